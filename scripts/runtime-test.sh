#!/usr/bin/env bash
# The chart's Deployment on a real container runtime, without Kubernetes: build the image
# from the Dockerfile with podman, render the Deployment with helm, and `podman kube play`
# it on the host network with loopback ports. Passes only if the pod runs as 65532 on a
# read-only root, answers `users-cli list` from outside and `users-cli health` inside,
# and stops on SIGTERM with exit 0.
#
# No container registry is reachable here, so the Dockerfile's base images are stood in
# for, locally: node:22-bookworm-slim by Debian 12 (debootstrap minbase) with this
# machine's node and npm; gcr.io/distroless/nodejs22-debian12:nonroot by node and the
# libraries it links, with no shell, user 65532. The stand-ins run this machine's node,
# whatever the tag says.
#
# Usage: scripts/runtime-test.sh   (root; installs podman, runc and debootstrap with apt
#        when missing). State (stand-in rootfs, podman storage) is kept in
#        RUNTIME_TEST_STATE, default /var/tmp/users-grpc-runtime-test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
state=${RUNTIME_TEST_STATE:-/var/tmp/users-grpc-runtime-test}
helm=$root/.tools/bin/helm
tag=localhost/users-grpc:runtime-test
t0=$SECONDS
say() { printf '== runtime-test [%3ss] %s\n' "$((SECONDS - t0))" "$*"; }
fail() { echo "runtime-test: FAIL: $*" >&2; exit 1; }

[[ -x $helm ]] || fail "no $helm: run 'make tools'"
[[ -f $root/dist/users-cli.js ]] || fail "no dist/users-cli.js: run 'make build'"
need=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
  ((EUID == 0)) || fail "needs ${need[*]}: apt-get install podman runc debootstrap (as root)"
  say "installing ${need[*]} from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 podman runc debootstrap >/dev/null
fi

# podman's own configuration and storage, apart from any other use of podman here. This
# machine kind lacks CAP_SYS_RESOURCE (podman's default ulimits fail) and has hybrid
# cgroups (crun refuses them): hence the ulimits, runc and cgroupfs.
mkdir -p "$state"/{conf,run}
# One run at a time per machine: the pod's name and the podman storage are shared.
exec 9>"$state/lock"
flock 9
cat >"$state/conf/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$state/storage"
runroot = "$state/run/storage"
EOF
cat >"$state/conf/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$state/run/events.log"
tmp_dir = "$state/run/libpod"
volume_path = "$state/storage/volumes"
static_dir = "$state/storage/libpod"
[network]
network_config_dir = "$state/conf/networks"
EOF
printf 'cafile=/etc/ssl/certs/ca-certificates.crt\n' >"$state/conf/npmrc"
export CONTAINERS_STORAGE_CONF=$state/conf/storage.conf CONTAINERS_CONF=$state/conf/containers.conf

node_bin=$(readlink -f "$(command -v node)")
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")

if ! podman image exists localhost/standin-node:latest; then
  rootfs=$state/rootfs
  if [[ ! -x $rootfs/bin/sh ]]; then
    say "debootstrap Debian 12 minbase (once per machine)"
    rm -rf "$rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$state/debootstrap.log" 2>&1 ||
      fail "debootstrap failed, see $state/debootstrap.log"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  fi
  say "node:22-bookworm-slim stand-in: Debian 12 with node $(node -p process.versions.node) from this machine"
  dir=$state/standin-node
  rm -rf "$dir" && cp -a "$rootfs" "$dir"
  install -D -m755 "$node_bin" "$dir/usr/local/bin/node"
  mkdir -p "$dir/usr/local/lib/node_modules" && cp -a "$npm_dir" "$dir/usr/local/lib/node_modules/npm"
  ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
  tar --numeric-owner -C "$dir" -cf "$state/standin-node.tar" .
  podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["node"]' \
    "$state/standin-node.tar" localhost/standin-node:latest >/dev/null 2>&1
  rm -rf "$dir" "$state/standin-node.tar"
fi
if ! podman image exists localhost/standin-distroless-nonroot:latest; then
  say "gcr.io/distroless/nodejs22-debian12:nonroot stand-in: node and its libraries, no shell, user 65532"
  dir=$state/standin-distroless
  rm -rf "$dir" && mkdir -p "$dir"/{nodejs/bin,etc,tmp,home/nonroot}
  install -m755 "$node_bin" "$dir/nodejs/bin/node"
  for lib in $(ldd "$node_bin" | awk '/=>/ {print $3} /ld-linux/ {print $1}'); do install -D "$(readlink -f "$lib")" "$dir$lib"; done
  cp -a /etc/ssl "$dir/etc/ssl"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$dir/etc/group"
  chmod 1777 "$dir/tmp" && chown 65532:65532 "$dir/home/nonroot"
  tar --numeric-owner -C "$dir" -cf "$state/standin-distroless.tar" .
  podman import --change 'ENTRYPOINT ["/nodejs/bin/node"]' --change 'USER 65532' \
    "$state/standin-distroless.tar" localhost/standin-distroless-nonroot:latest >/dev/null 2>&1
  rm -rf "$dir" "$state/standin-distroless.tar"
fi
podman tag localhost/standin-node:latest docker.io/library/node:22-bookworm-slim
podman tag localhost/standin-distroless-nonroot:latest gcr.io/distroless/nodejs22-debian12:nonroot

say "podman build (the repository's Dockerfile)"
podman build --pull=never --network=host --format docker \
  -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
  -v "$state/conf/npmrc:/root/.npmrc:ro" \
  --build-arg VERSION=runtime-test -t "$tag" "$root" >"$state/build.log" 2>&1 || { tail -20 "$state/build.log"; fail "podman build failed (log: $state/build.log)"; }

# Free loopback ports for the pod: it shares the host network.
read -r port metrics_port < <(node -e '
  const net = require("net"); const ports = [];
  const take = () => { const s = net.createServer().listen(0, "127.0.0.1", () => { ports.push(s.address().port); s.close(() => ports.length < 2 ? take() : console.log(ports.join(" "))); }); };
  take();')

# The chart's Deployment as rendered, on loopback ports (later flags win), without TLS.
manifest=$state/deployment.yaml
"$helm" template runtime "$root/charts/users-grpc" --namespace runtime --kube-version 1.30.0 --show-only templates/deployment.yaml \
  --set image.repository=localhost/users-grpc --set image.tag=runtime-test --set image.pullPolicy=Never \
  --set "server.extraArgs={--address=127.0.0.1:$port,--metrics-address=127.0.0.1:$metrics_port}" \
  --set server.drainDelaySeconds=1 |
  # The host network: hostNetwork: true, and no containerPorts, which podman 4.3 turns into
  # port mappings and then refuses on the host network. Nothing else changes.
  node -e '
    const YAML = require(process.argv[1]);
    const deployment = YAML.parse(require("fs").readFileSync(0, "utf8"));
    deployment.spec.template.spec.hostNetwork = true;
    for (const container of deployment.spec.template.spec.containers) delete container.ports;
    process.stdout.write(YAML.stringify(deployment));' "$root/node_modules/yaml" >"$manifest"

cleanup() { podman kube play --down "$manifest" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
say "podman kube play, host network (gRPC on 127.0.0.1:$port)"
podman kube play "$manifest" >"$state/play.log" 2>&1 || { cat "$state/play.log"; fail "podman kube play failed"; }
container=$(podman ps --format '{{.Names}}' | grep -- '-users-server$' | head -1 || true)
[[ -n $container ]] || { podman ps -a; fail "no users-server container is running"; }

for _ in $(seq 1 150); do
  podman logs "$container" 2>&1 | grep -q 'users-server started' && break
  [[ $(podman inspect "$container" --format '{{.State.Running}}') == true ]] || break
  sleep 0.2
done
podman logs "$container" 2>&1 | grep -q 'users-server started' || { podman logs "$container" 2>&1 | tail -20; fail "the server never started"; }

user=$(podman inspect "$container" --format '{{.Config.User}}')
readonly_root=$(podman inspect "$container" --format '{{.HostConfig.ReadonlyRootfs}}')
[[ $user == 65532* ]] || fail "the container runs as '$user', not 65532"
[[ $readonly_root == true ]] || fail "the root filesystem is not read-only"
uid=$(podman exec "$container" /nodejs/bin/node -p 'process.getuid() + ":" + process.getgid()')
[[ $uid == 65532:65532 ]] || fail "the server's process runs as $uid, not 65532:65532"
# Its home is its own, so only a read-only root refuses the write.
write=$(podman exec "$container" /nodejs/bin/node -e '
  try { require("fs").writeFileSync("/home/nonroot/x", ""); console.log("written"); } catch (error) { console.log(error.code); }')
[[ $write == EROFS ]] || fail "writing to the root filesystem gave '$write', not EROFS"
say "runs as $uid on a read-only root"

listed=$(node "$root/dist/users-cli.js" --address="127.0.0.1:$port" list) || fail "users-cli list from outside failed"
grep -q 'Maël Valadier' <<<"$listed" || fail "users-cli list from outside did not list the sample users: $listed"
say "users-cli list from outside: $(wc -l <<<"$listed") lines"
health=$(podman exec "$container" users-cli --address="127.0.0.1:$port" health) || fail "users-cli health inside failed"
[[ $health == SERVING ]] || fail "users-cli health inside said '$health'"
say "users-cli health inside: $health"

say "SIGTERM (podman stop)"
podman stop -t 20 "$container" >/dev/null
code=$(podman inspect "$container" --format '{{.State.ExitCode}}')
podman logs "$container" 2>&1 | grep -q 'users-server stopped' || fail "no 'users-server stopped' line after SIGTERM"
[[ $code == 0 ]] || fail "the server exited $code after SIGTERM, not 0"
say "PASS: stopped on SIGTERM with exit 0"
