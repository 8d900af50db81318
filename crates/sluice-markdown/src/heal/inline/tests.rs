//! Inline completion: emphasis, code, links and images being typed, and `$` math.

mod completion {
    /// Heals with math on, as the product parses it.
    fn heal_inline(segment: &str) -> String {
        super::super::heal_inline(segment, true)
    }

    #[test]
    fn closes_bold_italic_and_strike() {
        assert_eq!(heal_inline("a **bold"), "a **bold**");
        assert_eq!(heal_inline("a *it"), "a *it*");
        assert_eq!(heal_inline("a _it"), "a _it_");
        assert_eq!(heal_inline("a ~~gone"), "a ~~gone~~");
        assert_eq!(heal_inline("**a *b"), "**a *b***");
    }

    #[test]
    fn drops_dangling_openers_and_partial_closers() {
        assert_eq!(heal_inline("hello **"), "hello");
        assert_eq!(heal_inline("**bold*"), "**bold**");
        assert_eq!(heal_inline("**bold**"), "**bold**");
        assert_eq!(heal_inline("a **bold "), "a **bold**");
    }

    #[test]
    fn a_dangling_bracket_first_on_its_line_keeps_the_block_structure() {
        assert_eq!(heal_inline("a [ b"), "a  b");
        // Its spaces go too, so the text keeps its column (no list item, no code).
        assert_eq!(heal_inline("p\n [   *c"), "p\n *c*");
        // Text that would start a block (or underline the paragraph above, or make it a
        // table header) once first on its line is held by a zero-width space.
        assert_eq!(heal_inline("p\n[1. a"), "p\n\u{200B}1. a");
        assert_eq!(heal_inline("p\n[# a"), "p\n\u{200B}# a");
        assert_eq!(heal_inline("p\n[```"), "p\n\u{200B}");
        assert_eq!(heal_inline("a |\n[-|"), "a |\n\u{200B}-|");
        assert_eq!(heal_inline("[|"), "\u{200B}|");
        assert_eq!(heal_inline("p\n[===x"), "p\n===x");
        assert_eq!(heal_inline("p\n[_c_"), "p\n_c_");
    }

    #[test]
    fn leaves_intraword_and_spaced_markers_alone() {
        assert_eq!(heal_inline("snake_case_name"), "snake_case_name");
        assert_eq!(heal_inline("2*3 and 5 * 4"), "2*3 and 5 * 4");
        assert_eq!(heal_inline("* item"), "* item");
    }

    #[test]
    fn closes_inline_code() {
        assert_eq!(heal_inline("use `foo"), "use `foo`");
        assert_eq!(heal_inline("use ``a`b"), "use ``a`b``");
        assert_eq!(heal_inline("use `*x"), "use `*x`");
        assert_eq!(heal_inline("**a `b"), "**a `b`**");
    }

    #[test]
    fn half_typed_links_show_only_their_text() {
        assert_eq!(heal_inline("see [docs](http://exa"), "see docs");
        assert_eq!(heal_inline("see [docs]("), "see docs");
        assert_eq!(heal_inline("see [docs]"), "see docs");
        assert_eq!(heal_inline("see [do"), "see do");
        assert_eq!(heal_inline("see [a](b) ok"), "see [a](b) ok");
    }

    #[test]
    fn half_typed_images_disappear() {
        assert_eq!(heal_inline("pic ![alt](https://x/y"), "pic");
        assert_eq!(heal_inline("pic ![al"), "pic");
    }

    #[test]
    fn unfinished_autolinks_are_hidden() {
        assert_eq!(heal_inline("go <https://exa"), "go");
        assert_eq!(heal_inline("a < b"), "a < b");
    }
}

mod math {
    use super::super::heal_inline;

    #[test]
    fn display_math_being_typed_is_closed() {
        assert_eq!(heal_inline("so $$\\int_0^1 x", true), "so $$\\int_0^1 x$$");
        assert_eq!(heal_inline("$$\na^2 + b^2\n", true), "$$\na^2 + b^2$$");
        assert_eq!(heal_inline("**sum $$x", true), "**sum $$x$$**");
    }

    #[test]
    fn bare_math_openers_are_dropped() {
        assert_eq!(heal_inline("so $$", true), "so");
        assert_eq!(heal_inline("so $$\n", true), "so");
        assert_eq!(heal_inline("costs $", true), "costs");
    }

    #[test]
    fn inline_tex_being_typed_is_closed_but_prices_are_not() {
        assert_eq!(heal_inline("area $\\pi r^2", true), "area $\\pi r^2$");
        assert_eq!(heal_inline("costs $5", true), "costs $5");
        assert_eq!(heal_inline("echo $HOME", true), "echo $HOME");
    }

    #[test]
    fn emphasis_inside_math_is_not_emphasis() {
        assert_eq!(heal_inline("$a*b$ and *c", true), "$a*b$ and *c*");
        assert_eq!(heal_inline("$$a_1 *x", true), "$$a_1 *x$$");
    }

    #[test]
    fn bracket_math_content_is_tex() {
        // A `$` or `*` inside finished `\(…\)` / `\[…\]` opens nothing.
        assert_eq!(
            heal_inline("\\( $_x \\) and *c", true),
            "\\( $_x \\) and *c*"
        );
        assert_eq!(heal_inline("\\[ a*b \\] *c", true), "\\[ a*b \\] *c*");
        assert_eq!(heal_inline("\\( $\\alpha", true), "\\( $\\alpha$");
        assert_eq!(heal_inline("\\\\( *a", true), "\\\\( *a*");
    }

    #[test]
    fn finished_math_is_left_alone() {
        for done in [
            "$x$",
            "$$x$$",
            "a $x^2$ b $$y$$ c",
            "$5 and $6",
            "$$\na\n$$",
        ] {
            assert_eq!(heal_inline(done, true), done);
        }
    }

    #[test]
    fn without_math_dollars_are_plain_text() {
        assert_eq!(heal_inline("so $$\\int", false), "so $$\\int");
        assert_eq!(heal_inline("costs $", false), "costs $");
    }
}
