#!/usr/bin/env bash
# scripts/matrix.sh: build, package and test truck_accept on every supported
# PostgreSQL major, each in a minimal Debian root of the suite that serves it.
# Run as root (it makes chroots).  `.ci/run` runs it.
#
#   scripts/matrix.sh            every major: 13 15 17 18 19
#   scripts/matrix.sh 17 18      only these
#   scripts/matrix.sh --roots    only make (or check) the cached roots
#
# For each major:
#   1. root    a minimal root of the suite (mmdebstrap, from the archive the
#              host's apt uses) with the server, its headers and PGXS, pgTAP,
#              pg_prove and the Debian build tools.  It is cached as a tarball
#              in /var/cache/truck_accept/roots (TA_MATRIX_CACHE), keyed by
#              what goes into it, so a second run downloads nothing.
#   2. build   an unpack of that root: `make WERROR=1` (gcc and the clang
#              bitcode step, -Werror), then the Debian package through
#              pg_buildext (without -Werror, as a packager builds it; its log
#              must not carry a single compiler warning either).
#   3. test    a second, clean unpack of the same root, where nothing was ever
#              built: the .deb of step 2 is installed with dpkg, and
#              scripts/test.sh runs against that packaged install
#              (TA_PACKAGED=1: no build, no `make install`).
# Steps 2 and 3 each run in a mount and PID namespace of their own (unshare):
# /proc, /dev and a private /dev/shm are mounted in the root, and at the end,
# also on failure, every process in the namespace is killed, everything is
# unmounted and the root is removed.
#
# Then, when run for every major, the Prisma kit (examples/prisma/run.sh) on
# the host: it needs Node.js >= 20.19, which the roots do not have.
#
# Prints one line per major and closes with `majors: N passed, N failed`;
# exits non-zero on any failure.  Logs: matrix-logs/ (TA_MATRIX_LOGS).
set -euo pipefail

TA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${TA_MATRIX_CACHE:-/var/cache/truck_accept}
LOGS=${TA_MATRIX_LOGS:-$TA_ROOT/matrix-logs}

# major:suite, the suite whose archive serves that major.  14 and 16 are in
# none of the suites served here.
ALL_MAJORS="13:bullseye 15:bookworm 17:trixie 18:sid 19:experimental"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# Inside a namespace: mount, chroot, run, clean up.  Called through unshare
# by run_in_root below, never by hand.
INNER_ROOT=
cleanup_inner() {
	local rc=$? m
	# We are PID 1 of our own PID namespace: -1 reaches every other process
	# in it (all started by this run) and nothing outside it.
	kill -KILL -1 2>/dev/null || true
	wait 2>/dev/null || true
	for m in "$INNER_ROOT/dev/shm" "$INNER_ROOT/dev" "$INNER_ROOT/proc"; do
		if mountpoint -q "$m"; then umount "$m" || umount -l "$m" || rc=1; fi
	done
	exit $rc
}
inner() {
	local root=$1
	shift
	INNER_ROOT=$root
	trap cleanup_inner EXIT
	trap 'exit 130' INT TERM
	mount -t proc proc "$root/proc"
	mount --bind /dev "$root/dev"
	mount -t tmpfs -o mode=1777,size=2g shm "$root/dev/shm"
	chroot "$root" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		CI="${CI:-}" TMPDIR=/tmp \
		/bin/bash -euo pipefail -c "$1"
}

if [ "${1:-}" = --inner ]; then
	shift
	inner "$@"
	exit $?
fi

# ---------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "scripts/matrix.sh makes chroots: run it as root"

need=()
command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v git >/dev/null 2>&1 || need+=(git)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
	log "apt-get install ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
		install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Debian archive the host's apt uses (first "…/debian" URI), unless
# TA_MIRROR names one.
mirror=${TA_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/\{0,1\}[[:space:]]*$/\1/p' | head -n 1)
fi
if [ -z "$mirror" ]; then
	mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*\/debian\)\/\{0,1\}[[:space:]].*/\2/p' | head -n 1)
fi
mirror=${mirror:-http://deb.debian.org/debian}

# The packages of a major's root.
root_packages() {
	local major=$1 pkgs
	pkgs="build-essential debhelper fakeroot postgresql-server-dev-all"
	pkgs+=" postgresql-$major postgresql-server-dev-$major libtap-parser-sourcehandler-pgtap-perl"
	# experimental has no postgresql-19-pgtap: built from source below
	[ "$major" -ge 19 ] || pkgs+=" postgresql-$major-pgtap"
	echo "$pkgs"
}

# What builds pgTAP inside a root for a major Debian has no
# postgresql-NN-pgtap for (19 in experimental): the upstream tarball of
# Debian's pgtap source package (the one in the suite's Sources index,
# checked against its SHA256 there), built and installed with PGXS.
pgtap_from_source() {
	cat <<'HOOK'
set -eu
major=$1
mkdir -p /usr/src/pgtap
cd /usr/src/pgtap
line=$(apt-get source --print-uris -qq pgtap | grep "\.orig\.tar")
url=$(echo "$line" | cut -d"'" -f2)
file=$(echo "$line" | cut -d' ' -f2)
hash=$(echo "$line" | cut -d' ' -f4)
/usr/lib/apt/apt-helper download-file "$url" "$file" "$hash"
tar -xf "$file"
cd pgtap-*/
make -s PG_CONFIG=/usr/lib/postgresql/$major/bin/pg_config
make -s PG_CONFIG=/usr/lib/postgresql/$major/bin/pg_config install
cd /
rm -rf /usr/src/pgtap
HOOK
}

# What builds the isolation tester inside a root whose server headers package
# lacks it (Debian's postgresql-server-dev-13 ships no pg_isolation_regress):
# the upstream tarball of Debian's postgresql-NN source package, configured
# without options, and just src/test/isolation built from it, installed where
# PGXS looks for it.
isolation_from_source() {
	cat <<'HOOK'
set -eu
major=$1
dest=/usr/lib/postgresql/$major/lib/pgxs/src/test/isolation
[ -x "$dest/pg_isolation_regress" ] && exit 0
mkdir -p /usr/src/pg
cd /usr/src/pg
line=$(apt-get source --print-uris -qq "postgresql-$major" | grep "\.orig\.tar")
url=$(echo "$line" | cut -d"'" -f2)
file=$(echo "$line" | cut -d' ' -f2)
hash=$(echo "$line" | cut -d' ' -f4)
/usr/lib/apt/apt-helper download-file "$url" "$file" "$hash"
tar -xf "$file"
cd postgresql-*/
./configure --without-readline --without-zlib >configure.log 2>&1 || { tail -n 30 configure.log; exit 1; }
make -s -j2 -C src/test/isolation >make.log 2>&1 || { tail -n 30 make.log; exit 1; }
mkdir -p "$dest"
cp src/test/isolation/isolationtester src/test/isolation/pg_isolation_regress "$dest/"
cd /
rm -rf /usr/src/pg
HOOK
}

# make_root MAJOR SUITE TARBALL: mmdebstrap the root into TARBALL.
make_root() {
	local major=$1 suite=$2 tarball=$3 base=$2 pkgs
	local -a sources hooks
	pkgs=$(root_packages "$major")
	sources=("deb $mirror $suite main")
	hooks=()
	if [ "$suite" = experimental ]; then
		# experimental is an add-on to sid: the root is sid, the major's
		# packages come from experimental (postgresql-common-dev brings
		# pg_buildext without the sid default's server headers), and
		# pgTAP is built from Debian's source package (sid's) for it.
		base=sid
		sources=("deb $mirror sid main" "deb $mirror experimental main" "deb-src $mirror sid main")
		pkgs="build-essential debhelper fakeroot libtap-parser-sourcehandler-pgtap-perl"
		pgtap_from_source >"$WORK/pgtap-hook.sh"
		hooks=(
			--customize-hook="chroot \"\$1\" apt-get install -y -t experimental postgresql-$major postgresql-server-dev-$major postgresql-common-dev"
			--customize-hook="cp '$WORK/pgtap-hook.sh' \"\$1/tmp/pgtap-hook.sh\" && chroot \"\$1\" sh /tmp/pgtap-hook.sh $major && rm \"\$1/tmp/pgtap-hook.sh\""
		)
	fi
	if [ "$major" = 13 ]; then
		sources+=("deb-src $mirror $suite main")
		isolation_from_source >"$WORK/isolation-hook.sh"
		hooks+=(
			--customize-hook="cp '$WORK/isolation-hook.sh' \"\$1/tmp/isolation-hook.sh\" && chroot \"\$1\" sh /tmp/isolation-hook.sh $major && rm \"\$1/tmp/isolation-hook.sh\""
		)
	fi
	log "pg$major: making a $suite root (downloads once, then cached in $tarball)"
	mmdebstrap --variant=minbase \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--aptopt='Acquire::Languages "none"' \
		--aptopt='APT::Install-Recommends "false"' \
		--include="$(echo "$pkgs" | tr ' ' ',')" \
		"${hooks[@]}" \
		"$base" "${tarball%.tar}.part.tar" "${sources[@]}"
	mv "${tarball%.tar}.part.tar" "$tarball"
}

# root_tarball MAJOR SUITE: the cached tarball's path (made when missing).
root_tarball() {
	local major=$1 suite=$2 key tarball
	# the key changes whenever what goes into the root changes
	key=$( { echo "$mirror"; root_packages "$major"; declare -f make_root; pgtap_from_source; isolation_from_source; } | sha256sum | cut -c1-12)
	tarball="$CACHE/roots/$suite-pg$major-$key.tar"
	mkdir -p "$CACHE/roots"
	# one maker at a time per root, also across runs
	(
		flock 9
		if [ ! -s "$tarball" ]; then
			rm -rf "$CACHE/roots/$suite-pg$major-"*.tar
			make_root "$major" "$suite" "$tarball" >&2
		fi
	) 9>"$CACHE/roots/$suite-pg$major.lock"
	echo "$tarball"
}

WORK=
RUN_PID=   # the unshare of the step running
cleanup() {
	local rc=$? p
	# The step running: unshare ignores TERM while it waits, so kill the
	# first process of its PID namespace, which takes every other process
	# of the namespace with it (the kernel kills them), and its mounts.
	if [ -n "$RUN_PID" ]; then
		pkill -KILL -P "$RUN_PID" 2>/dev/null || true
	fi
	# Root makers in the background (jobs -p: only our own jobs still
	# running, never a recycled pid); mmdebstrap cleans up after itself on
	# TERM.
	for p in $(jobs -p); do
		pkill -TERM -P "$p" 2>/dev/null || true
		kill -TERM "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		# nothing may still be mounted below WORK before it is removed
		if grep -qF " $WORK/" /proc/self/mountinfo; then
			echo "error: still mounted below $WORK, not removing it" >&2
			rc=1
		else
			rm -rf "$WORK"
		fi
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
WORK=$(mktemp -d /var/tmp/truck_accept-matrix.XXXXXX)

# The sources as they are in the work tree (tracked and new files, not what
# .gitignore ignores), once.
git -C "$TA_ROOT" ls-files -z --cached --others --exclude-standard |
	(cd "$TA_ROOT" && xargs -0 tar -cf "$WORK/src.tar" --no-recursion --ignore-failed-read --)

# run_in_root TARBALL NAME SCRIPT: unpack TARBALL into a fresh root, run
# SCRIPT there in namespaces of its own, remove the root.
run_in_root() {
	local tarball=$1 name=$2 script=$3 root rc
	root="$WORK/$name"
	mkdir -p "$root"
	tar -C "$root" -xf "$tarball"
	mkdir -p "$root/src" "$root/out"
	tar -C "$root/src" -xf "$WORK/src.tar"
	cp -a "$WORK/out/." "$root/out/" 2>/dev/null || true
	set +e
	unshare --mount --pid --fork --kill-child --propagation private -- \
		"$TA_ROOT/scripts/matrix.sh" --inner "$root" "$script" &
	RUN_PID=$!
	wait "$RUN_PID"
	rc=$?
	RUN_PID=
	set -e
	cp -a "$root/out/." "$WORK/out/" 2>/dev/null || true
	if grep -qF " $root/" /proc/self/mountinfo; then
		echo "error: $root still has mounts" >&2
		return 1
	fi
	rm -rf "$root"
	return $rc
}

roots_only=
if [ "${1:-}" = --roots ]; then
	roots_only=1
	shift
fi
majors=()
if [ $# -gt 0 ]; then
	for m in "$@"; do
		hit=
		for ms in $ALL_MAJORS; do [ "${ms%%:*}" = "$m" ] && hit=$ms; done
		[ -n "$hit" ] || die "unknown major $m (supported: $ALL_MAJORS)"
		majors+=("$hit")
	done
else
	read -r -a majors <<<"$ALL_MAJORS"
fi

mkdir -p "$LOGS"
start=$(date +%s)

# Make the missing roots all at once, in the background (they wait on the
# network more than on the CPU); each major waits for its own root only.
declare -A root_pid
for ms in "${majors[@]}"; do
	(root_tarball "${ms%%:*}" "${ms#*:}" >/dev/null 2>"$LOGS/pg${ms%%:*}-root.log") &
	root_pid[${ms%%:*}]=$!
done
root_fail=0
if [ -n "$roots_only" ]; then
	for ms in "${majors[@]}"; do
		wait "${root_pid[${ms%%:*}]}" || root_fail=1
	done
	log "roots ready after $(( $(date +%s) - start )) s"
	[ "$root_fail" -eq 0 ] || die "a root could not be made (see $LOGS/pg*-root.log)"
	exit 0
fi

build_script='
cd /src
pg_config=/usr/lib/postgresql/$MAJOR/bin/pg_config
echo "== make WERROR=1 (gcc and clang bitcode, -Werror)"
make PG_CONFIG=$pg_config WERROR=1 2>&1 | tee /out/make.log
make -s PG_CONFIG=$pg_config clean
echo "== Debian package (pg_buildext)"
export PG_SUPPORTED_VERSIONS=$MAJOR
pg_buildext updatecontrol
dpkg-buildpackage -b -us -uc 2>&1 | tee /out/deb.log
if grep -E "\.[ch]:[0-9]+(:[0-9]+)?: warning:" /out/make.log /out/deb.log; then
	echo "compiler warnings (above)"; exit 1
fi
echo "== no compiler warnings (gcc, clang bitcode; -Werror build and package build)"
dpkg-deb -I ../postgresql-$MAJOR-truck-accept_*.deb
dpkg-deb -c ../postgresql-$MAJOR-truck-accept_*.deb
cp ../postgresql-$MAJOR-truck-accept_*.deb /out/
'

test_script='
dpkg -i /out/postgresql-$MAJOR-truck-accept_*.deb
cd /src
TA_PACKAGED=1 ./scripts/test.sh
'

passed=0
failed=0
tests_passed=0
tests_failed=0
results=()
for ms in "${majors[@]}"; do
	major=${ms%%:*}
	suite=${ms#*:}
	t0=$(date +%s)
	line=
	summary=
	mkdir -p "$WORK/out"
	rm -rf "${WORK:?}/out/"*
	if wait "${root_pid[$major]}" && tarball=$(root_tarball "$major" "$suite" 2>>"$LOGS/pg$major-root.log"); then
		log "pg$major ($suite): root ready after $(( $(date +%s) - start )) s"
	else
		root_fail=1
		line="pg$major ($suite): FAIL: could not make the root (see $LOGS/pg$major-root.log)"
		tail -n 30 "$LOGS/pg$major-root.log" >&2
	fi
	if [ -z "$line" ]; then
		log "pg$major ($suite): build and package"
		if ! run_in_root "$tarball" "pg$major-build" "MAJOR=$major; $build_script" >"$LOGS/pg$major-build.log" 2>&1; then
			line="pg$major ($suite): FAIL: build or package (see $LOGS/pg$major-build.log)"
			tail -n 60 "$LOGS/pg$major-build.log" >&2
		fi
	fi
	if [ -z "$line" ]; then
		log "pg$major ($suite): install the package in a clean root, run scripts/test.sh"
		rc=0
		run_in_root "$tarball" "pg$major-test" "MAJOR=$major; $test_script" >"$LOGS/pg$major-test.log" 2>&1 || rc=$?
		version=$(sed -n 's/^==> PostgreSQL \([^ ]*\) .*/\1/p' "$LOGS/pg$major-test.log" | head -n 1)
		summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOGS/pg$major-test.log" | tail -n 1)
		if [ -n "$summary" ]; then
			p=${summary%% passed*}
			f=${summary#*, }; f=${f%% failed*}
			tests_passed=$((tests_passed + p))
			tests_failed=$((tests_failed + f))
		else
			summary="no summary"
		fi
		if [ "$rc" -eq 0 ]; then
			line="pg$major ($suite, ${version:-?}): PASS: built with -Werror, packaged, package installed and tested: $summary ($(( $(date +%s) - t0 )) s)"
		else
			line="pg$major ($suite, ${version:-?}): FAIL: tests against the package: $summary (see $LOGS/pg$major-test.log)"
			grep -E '^(==>|suites with failures|not ok|.*FAILED|.*failed \()' "$LOGS/pg$major-test.log" | tail -n 40 >&2 || true
		fi
	fi
	case $line in
		*": PASS:"*) passed=$((passed + 1)) ;;
		*) failed=$((failed + 1)); [ -n "$summary" ] || tests_failed=$((tests_failed + 1)) ;;
	esac
	results+=("$line")
	echo "$line"
done

# The Prisma kit needs Node.js >= 20.19, which no root above has: it runs
# once more here, on the host, against the host's PostgreSQL (its own
# throwaway cluster), and counts as one test.
kit_line="prisma kit (host): not run"
kit_ok=1
if [ "$#" -eq 0 ]; then
	log "prisma kit on the host (examples/prisma/run.sh)"
	t0=$(date +%s)
	rc=0
	"$TA_ROOT/examples/prisma/run.sh" >"$LOGS/prisma-host.log" 2>&1 || rc=$?
	version=$(sed -n 's/^==> PostgreSQL \([^ ]*\) .*/\1/p' "$LOGS/prisma-host.log" | head -n 1)
	if [ "$rc" -eq 0 ] && grep -q '^prisma: PASS' "$LOGS/prisma-host.log"; then
		kit_line="prisma kit (host, PostgreSQL ${version:-?}): PASS ($(( $(date +%s) - t0 )) s)"
		tests_passed=$((tests_passed + 1))
	else
		kit_line="prisma kit (host): FAIL or SKIP: $(grep -E '^prisma: ' "$LOGS/prisma-host.log" | tail -n 1) (see $LOGS/prisma-host.log)"
		tail -n 40 "$LOGS/prisma-host.log" >&2
		tests_failed=$((tests_failed + 1))
		kit_ok=0
	fi
	echo "$kit_line"
fi

echo
echo "== truck_accept matrix ($(( $(date +%s) - start )) s) =="
for l in "${results[@]}"; do echo "$l"; done
echo "$kit_line"
echo "tests: $tests_passed passed, $tests_failed failed"
echo "majors: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$root_fail" -eq 0 ] && [ "$kit_ok" -eq 1 ]
