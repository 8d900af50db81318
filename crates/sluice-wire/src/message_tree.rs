//! Linear-time walks of a message tree (both builds): [`TreeIndex`] looks at every message
//! once — its key and its parent's key — and then answers "the children of this message",
//! "the path from the root to this message" and "the branch chosen from the root down"
//! without scanning the list again. The stored tree
//! ([`ConversationTree`](crate::conversation::ConversationTree)) and the page's tree
//! (the app's `ChatSession`, in its components) both walk through it, so a
//! long imported chain (10,000 messages) costs the server and the browser a few passes, not
//! one pass per message.

use std::collections::HashMap;
use std::hash::Hash;

/// Children and parents of a list of messages, by position in that list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeIndex {
    /// Positions of the roots (messages without a parent), in list order.
    roots: Vec<usize>,
    /// Positions of each message's children, in list order (index: the parent's position).
    children: Vec<Vec<usize>>,
    /// Position of each message's parent; `None` for a root and for a message whose parent is
    /// not in the list (such a message is on no branch, as before).
    parents: Vec<Option<usize>>,
}

impl TreeIndex {
    /// Indexes `items`, calling `key` and `parent` exactly once per item. A key that appears
    /// twice names its first item.
    pub fn build<'a, T, K: Hash + Eq>(
        items: &'a [T],
        key: impl Fn(&'a T) -> K,
        parent: impl Fn(&'a T) -> Option<K>,
    ) -> TreeIndex {
        let mut positions: HashMap<K, usize> = HashMap::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            positions.entry(key(item)).or_insert(position);
        }
        let mut index = TreeIndex {
            roots: Vec::new(),
            children: vec![Vec::new(); items.len()],
            parents: Vec::with_capacity(items.len()),
        };
        for (position, item) in items.iter().enumerate() {
            let parent_key = parent(item);
            let is_root = parent_key.is_none();
            let parent_position = parent_key.and_then(|k| positions.get(&k).copied());
            match parent_position {
                // An orphan (parent not in the list) is on no branch.
                None if !is_root => {}
                None => index.roots.push(position),
                Some(p) => index.children[p].push(position),
            }
            index.parents.push(parent_position);
        }
        index
    }

    /// The children of the message at `parent` (`None`: the roots), in list order.
    pub fn children(&self, parent: Option<usize>) -> &[usize] {
        match parent {
            None => &self.roots,
            Some(p) => self.children.get(p).map_or(&[], Vec::as_slice),
        }
    }

    /// The position of the parent of the message at `position`.
    pub fn parent(&self, position: usize) -> Option<usize> {
        self.parents.get(position).copied().flatten()
    }

    /// Positions from the root down to `position` inclusive; empty when `position` is out of
    /// range or on a cycle. A parent missing from the list ends the path there (it then
    /// starts at the message whose parent is missing).
    pub fn path_to(&self, position: usize) -> Vec<usize> {
        if position >= self.parents.len() {
            return Vec::new();
        }
        let mut path = vec![position];
        let mut at = position;
        while let Some(parent) = self.parents[at] {
            if path.len() > self.parents.len() {
                return Vec::new();
            }
            path.push(parent);
            at = parent;
        }
        path.reverse();
        path
    }

    /// The branch from a root down: at each level `choose` picks one of the children (given
    /// the parent's position, `None` for the roots, and the children in list order); the walk
    /// ends where it picks none, or after as many steps as there are messages.
    pub fn descend(
        &self,
        mut choose: impl FnMut(Option<usize>, &[usize]) -> Option<usize>,
    ) -> Vec<usize> {
        let mut path = Vec::new();
        let mut parent = None;
        while path.len() < self.parents.len() {
            match choose(parent, self.children(parent)) {
                Some(next) => {
                    path.push(next);
                    parent = Some(next);
                }
                None => break,
            }
        }
        path
    }

    /// The newest branch: from the root, always the last child.
    pub fn latest_path(&self) -> Vec<usize> {
        self.descend(|_, children| children.last().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::TreeIndex;
    use std::cell::Cell;

    /// A message as the walks see it: its key and its parent's.
    type Node = (u32, Option<u32>);

    /// A chain of `n` messages, each the child of the one before.
    fn chain(n: u32) -> Vec<Node> {
        (0..n).map(|i| (i, i.checked_sub(1))).collect()
    }

    /// Indexes `nodes`, counting every look at a message.
    fn counted(nodes: &[Node], looks: &Cell<usize>) -> TreeIndex {
        TreeIndex::build(
            nodes,
            |n| {
                looks.set(looks.get() + 1);
                n.0
            },
            |n| {
                looks.set(looks.get() + 1);
                n.1
            },
        )
    }

    #[test]
    fn a_long_chain_is_walked_with_a_bounded_number_of_looks_per_message() {
        let nodes = chain(5_000);
        let looks = Cell::new(0);
        let index = counted(&nodes, &looks);
        let latest = index.latest_path();
        let path = index.path_to(4_999);
        assert_eq!(latest.len(), 5_000);
        assert_eq!(path, latest);
        assert_eq!(latest.first(), Some(&0));
        // Two looks per message (its key and its parent), whatever the walks do afterwards;
        // one scan of the list per step would be 12.5 million.
        assert_eq!(looks.get(), 2 * 5_000);
    }

    #[test]
    fn the_latest_branch_takes_the_newest_child_and_paths_follow_parents() {
        // 0 ─ 1 ─ 3        (2 and 4 are older/newer siblings)
        //   ├ 2
        //   └ 4 ─ 5
        let nodes: Vec<Node> = vec![
            (0, None),
            (1, Some(0)),
            (2, Some(0)),
            (3, Some(1)),
            (4, Some(0)),
            (5, Some(4)),
        ];
        let index = TreeIndex::build(&nodes, |n| n.0, |n| n.1);
        assert_eq!(index.latest_path(), vec![0, 4, 5]);
        assert_eq!(index.path_to(3), vec![0, 1, 3]);
        assert_eq!(index.children(Some(0)), &[1, 2, 4]);
        assert_eq!(index.children(None), &[0]);
        assert_eq!(index.parent(5), Some(4));
        assert!(index.path_to(6).is_empty());
    }

    #[test]
    fn orphans_and_cycles_end_walks_instead_of_looping() {
        let nodes: Vec<Node> = vec![(0, None), (1, Some(9)), (2, Some(3)), (3, Some(2))];
        let index = TreeIndex::build(&nodes, |n| n.0, |n| n.1);
        assert_eq!(index.latest_path(), vec![0]);
        assert_eq!(
            index.path_to(1),
            vec![1],
            "missing parent: the path starts there"
        );
        assert!(index.path_to(2).is_empty(), "cycle");
        let looping = TreeIndex::build(&nodes, |n| n.0, |n| n.1);
        assert!(looping.descend(|_, _| Some(2)).len() <= nodes.len());
    }
}
