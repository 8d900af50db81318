# Sourced by tools/with-postgres.sh and tools/with-redis.sh: `free_port` prints a loopback
# port nothing listens on (a connection attempt fails). Another process may still take it
# before the caller's server binds it; the callers then retry with another port.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}
