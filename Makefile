# Tessera: the front door. `make demo` and `make test` work on a fresh
# Debian 12 machine: both install what they need first (make deps).

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Every Debian package the build, the tests, the fuzzers and the benchmark
# use. The README says why each is here.
DEB_PACKAGES := build-essential cmake pkg-config \
                libsodium-dev zlib1g-dev libcbor-dev libqrencode-dev \
                libcmocka-dev libcjson-dev \
                libzbar-dev libzxing-dev libpng-dev libjpeg62-turbo-dev libsdl2-dev \
                libsdl2-ttf-dev fonts-dejavu-core gettext libgpiod-dev \
                clang libclang-rt-14-dev valgrind \
                libsqlite3-dev sqlite3 cppcheck clang-tidy gcovr \
                libcairo2-dev poppler-utils

.PHONY: all deps configure test asan bench soak demo fuzz clean lint coverage valgrind harden-check

all: configure
	cmake --build $(BUILD) -j $(JOBS)

configure:
	@[ -f $(BUILD)/CMakeCache.txt ] || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

# Idempotent: asks apt only for what is missing.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    -o DPkg::Lock::Timeout=600 $$missing; \
	else \
	  echo "make deps: all $(words $(DEB_PACKAGES)) packages are installed"; \
	fi

test: deps
	$(MAKE) all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	@[ -f $(ASAN_BUILD)/CMakeCache.txt ] || cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTESS_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

bench: deps
	$(MAKE) all
	./$(BUILD)/tess_bench --all
	./$(BUILD)/tess_bench_bundle
	./$(BUILD)/tess_bench_scan
	./$(BUILD)/tess_bench_kiosk
	./$(BUILD)/tess_bench_store
	./$(BUILD)/tess_bench_issue
	./$(BUILD)/tess_bench_match

# The kiosk for a day of mixed scans, compressed, then its camera path for
# SOAK_CAMERA_SECONDS: memory and descriptors must stay flat.
soak: deps
	$(MAKE) all
	./$(BUILD)/tess_bench_kiosk --soak $${SOAK_CAMERA_SECONDS:-120}

demo: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target tessera tessera_kiosk
	./app/demo.sh ./$(BUILD)/tessera $(BUILD)/demo

fuzz: deps
	FUZZ_SECONDS=$${FUZZ_SECONDS:-30} ./tests/fuzz/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz

# ---- hardening (docs/hardening.md) ----
LINT_BUILD ?= build-lint
COV_BUILD  ?= build-cov
VG_BUILD   ?= build-vg

# Files make lint does not check. It must stay EMPTY: every file of
# firmware/ and app/ is clean, and a finding is fixed in the code (or, for
# a true false positive only, suppressed on its line with the reason; see
# docs/hardening.md), never excluded here.
LINT_NOT_YET :=

# Static analysis of what ships (firmware/, app/), with the compile
# database of build-lint: cppcheck, then clang-tidy with .clang-tidy.
lint: deps
	@[ -f $(LINT_BUILD)/CMakeCache.txt ] || cmake -S . -B $(LINT_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake -S . -B $(LINT_BUILD) >/dev/null
	@files=$$(git ls-files --cached --others --exclude-standard 'firmware/*.c' 'app/*.c' | sort); \
	for x in $(LINT_NOT_YET); do files=$$(printf '%s\n' $$files | grep -vxF "$$x"); done; \
	echo "== cppcheck: $$(echo $$files | wc -w) files"; \
	filters=""; for f in $$files; do filters="$$filters --file-filter=$$f"; done; \
	cppcheck --project=$(LINT_BUILD)/compile_commands.json $$filters -q \
	  --enable=warning,performance,portability --inline-suppr --error-exitcode=1 \
	  --suppress=missingIncludeSystem --std=c11 -j $(JOBS) || exit 1; \
	echo "== clang-tidy: $$(echo $$files | wc -w) files"; \
	printf '%s\n' $$files | xargs -P $(JOBS) -n 4 clang-tidy -p $(LINT_BUILD) --quiet 2>/dev/null || exit 1; \
	echo "lint: clean"

# Line coverage of firmware/ by the whole suite (gcc --coverage), as text
# and as $(COV_BUILD)/coverage.html.
coverage: deps
	@[ -f $(COV_BUILD)/CMakeCache.txt ] || cmake -S . -B $(COV_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTESS_COVERAGE=ON >/dev/null
	cmake --build $(COV_BUILD) -j $(JOBS)
	find $(COV_BUILD) -name '*.gcda' -delete
	cd $(COV_BUILD) && ctest --output-on-failure -j $(JOBS)
	gcovr -r . --object-directory $(COV_BUILD) --filter 'firmware/' --txt - --print-summary \
	  --html-details $(COV_BUILD)/coverage.html

# The whole suite under valgrind memcheck (Debug, no sanitizers): zero
# errors, zero definite and indirect leaks; library noise in
# tests/valgrind.supp. The test programs start the commands they test as
# children: --trace-children follows them.
VALGRIND := valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --error-exitcode=99 --trace-children=yes \
	--trace-children-skip=*/sh,*/bash,*/msgfmt --track-fds=no \
	--suppressions=$(CURDIR)/tests/valgrind.supp --num-callers=30 -q \
	--log-file=$(CURDIR)/$(VG_BUILD)/vg-logs/%p.log
# One log per process (the last --log-file wins over CTest's own, which
# every traced child would truncate and overwrite): a non-empty one is
# printed and fails the run, even where its test passed (a child whose
# exit code the test does not look at closely). TESS_VALGRIND=ON gives each test ten times
# its TIMEOUT and tells the tests to stretch their own waits
# (tests/CMakeLists.txt, last section).
# test_alloc replaces malloc itself and paints a thread's stack to measure
# it: both are what memcheck does too, so it runs in the plain build only.
# test_i18n_msgfmt_* and test_i18n_pot_current run gettext's tools
# (msgfmt; xgettext and msgcmp), not ours, alone: those leak.
# VG_ONLY=REGEX runs only the tests it matches.
# CTest reads MemoryChecker.N.log for its defect count: those of an
# earlier run (other test numbers) are removed, since the logs of this one
# are vg-logs/PID.log.
VG_SKIP := ^test_alloc$$|^test_i18n_msgfmt_|^test_i18n_pot_current$$
VG_ONLY ?=
valgrind: deps
	cmake -S . -B $(VG_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTESS_VALGRIND=ON >/dev/null
	cmake --build $(VG_BUILD) -j $(JOBS)
	rm -rf $(VG_BUILD)/vg-logs $(VG_BUILD)/Testing/Temporary/MemoryChecker.*.log
	mkdir -p $(VG_BUILD)/vg-logs
	cd $(VG_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 1500 -E '$(VG_SKIP)' \
	  $(if $(VG_ONLY),-R '$(VG_ONLY)') \
	  -T memcheck --overwrite MemoryCheckCommand=/usr/bin/valgrind \
	  --overwrite "MemoryCheckCommandOptions=$(wordlist 2,100,$(VALGRIND))"; rc=$$?; \
	for f in $(VG_BUILD)/vg-logs/*.log; do [ -s "$$f" ] && { echo "== $$f"; cat "$$f"; rc=1; }; done; \
	[ $$rc -eq 0 ] && echo "valgrind: every process's log is empty"; exit $$rc

# What ships is hardened: PIE, full RELRO (BIND_NOW), stack protector and
# _FORTIFY_SOURCE in the built commands.
harden-check: configure
	cmake --build $(BUILD) -j $(JOBS) --target tessera tessera_kiosk
	@grep -q "^TESS_HARDEN:BOOL=ON" $(BUILD)/CMakeCache.txt || { echo "$(BUILD) is not built with TESS_HARDEN"; exit 1; }
	./tests/fuzz/check_hardening.sh $(BUILD)/tessera $(BUILD)/tessera-kiosk

# ---- Raspberry Pi, 64-bit (board/rpi/README.md) ----
# The arm64 build on Debian multiarch: the cross compilers, qemu-user, and
# the :arm64 -dev package of every library the build uses.
# libzbar-dev:arm64 cannot sit beside libzbar-dev (apt would remove the
# host one), so only libzbar0:arm64 is installed; toolchain.cmake gives the
# build the unversioned link and an arm64 zbar.pc in the build folder.
CROSS_BUILD ?= build-arm64
DEB_BUILD   ?= build-deb
CROSS_LIBS  := libsodium-dev zlib1g-dev libcbor-dev libqrencode-dev libcmocka-dev \
               libcjson-dev libzxing-dev libpng-dev libjpeg62-turbo-dev libsdl2-dev \
               libsdl2-ttf-dev libsqlite3-dev libcairo2-dev libgpiod-dev libzbar0
CROSS_PACKAGES := gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user \
                  $(addsuffix :arm64,$(CROSS_LIBS))
# The core's tests, which CI runs under qemu-aarch64 (make cross-test-core).
CROSS_CORE_TESTS := test_b45 test_cbor test_cose test_ed25519 test_verify test_bundle \
                    test_bitflip test_alloc test_roundtrip test_inflate_diff

.PHONY: deps-cross cross-configure cross cross-test cross-test-core deb

deps-cross: deps
	@dpkg --print-foreign-architectures | grep -qx arm64 || $(SUDO) dpkg --add-architecture arm64
	@missing=""; \
	for p in $(CROSS_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps-cross: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    -o DPkg::Lock::Timeout=600 $$missing; \
	else \
	  echo "make deps-cross: all $(words $(CROSS_PACKAGES)) packages are installed"; \
	fi

cross-configure:
	@[ -f $(CROSS_BUILD)/CMakeCache.txt ] || cmake -S . -B $(CROSS_BUILD) \
	  -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/toolchain.cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo

# Then the arm64 kiosk, stripped (libraries apart), must stay under 2 MiB.
cross: deps-cross
	$(MAKE) cross-configure
	cmake --build $(CROSS_BUILD) -j $(JOBS)
	@aarch64-linux-gnu-strip -o $(CROSS_BUILD)/tessera-kiosk.stripped $(CROSS_BUILD)/tessera-kiosk; \
	size=$$(stat -c %s $(CROSS_BUILD)/tessera-kiosk.stripped); rm -f $(CROSS_BUILD)/tessera-kiosk.stripped; \
	echo "tessera-kiosk (arm64, stripped): $$size bytes, limit 2097152"; [ $$size -lt 2097152 ]

# The whole suite of the arm64 build, each test under qemu-aarch64
# (toolchain.cmake's emulator, cmake/qemu-run.sh). The arm64 build gives
# every test 8 times its TIMEOUT and sets TESS_SLOW=8 for the few waits a
# test keeps on the real clock; the kiosk's tests play on its virtual
# clock (tests/CMakeLists.txt, last section).
cross-test: cross
	cd $(CROSS_BUILD) && ctest --output-on-failure -j $(JOBS)

# The core's tests only: what CI runs (builds only what they need).
cross-test-core: deps-cross
	$(MAKE) cross-configure
	cmake --build $(CROSS_BUILD) -j $(JOBS) --target $(CROSS_CORE_TESTS)
	cd $(CROSS_BUILD) && ctest --output-on-failure -j $(JOBS) \
	  -R '^($(subst $(eval) ,|,$(strip $(CROSS_CORE_TESTS))))$$'

# The Debian packages of the native build and of the arm64 build,
# tessera_VERSION_amd64.deb and tessera_VERSION_arm64.deb in $(DEB_BUILD)/,
# each checked by lintian (no error allowed). cmake/packaging.cmake says
# what they hold.
DEB_TOOLS   := lintian
DEB_VERSION := $(shell sed -n '/^project/s/.*VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
DEB_TARGETS := tessera tessera_kiosk tess_kiosk_locale tess_package_files tess_deb_doc

deb: deps-cross
	@missing=""; for p in $(DEB_TOOLS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends -o DPkg::Lock::Timeout=600 $$missing
	@[ -f $(DEB_BUILD)/CMakeCache.txt ] || cmake -S . -B $(DEB_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake -S . -B $(DEB_BUILD) -DTESS_PACKAGING=ON >/dev/null
	cmake --build $(DEB_BUILD) -j $(JOBS) --target $(DEB_TARGETS)
	cd $(DEB_BUILD) && cpack -G DEB -B $(CURDIR)/$(DEB_BUILD)
	$(MAKE) cross-configure
	cmake -S . -B $(CROSS_BUILD) -DTESS_PACKAGING=ON >/dev/null
	cmake --build $(CROSS_BUILD) -j $(JOBS) --target $(DEB_TARGETS)
	cd $(CROSS_BUILD) && cpack -G DEB -B $(CURDIR)/$(DEB_BUILD)
	@for a in amd64 arm64; do \
	  f=$(DEB_BUILD)/tessera_$(DEB_VERSION)_$$a.deb; \
	  echo "== lintian $$f"; lintian --fail-on error --info $$f || exit 1; \
	done

# ---- the Cortex-M4 door reader (board/cortex-m/README.md) ----
M4_BUILD ?= build-m4
# The door reader's inflate and its limits on Z and C, bytes: our small
# inflate with FORMAT.md's 3000 and 4096 (the default), or Debian's zlib
# with 768 and 768 (M4_INFLATE=zlib M4_MAX_Z=768 M4_MAX_C=768: zlib's 7 KB
# state leaves no room for more in 16 KiB; board/cortex-m/README.md).
M4_INFLATE ?= small
M4_MAX_Z ?= 3000
M4_MAX_C ?= 4096
# The ARM toolchain, newlib and QEMU; dpkg-dev for apt-get source.
FIRMWARE_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm dpkg-dev

.PHONY: deps-firmware firmware firmware-test

# Idempotent: the packages that are missing, then deb-src and Debian's
# libsodium and zlib sources into $(M4_BUILD)/src (never committed).
deps-firmware: deps
	@missing=""; \
	for p in $(FIRMWARE_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps-firmware: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    -o DPkg::Lock::Timeout=600 $$missing; \
	fi
	./board/cortex-m/fetch-deps.sh $(M4_BUILD)

# The host's tests make the case table (gen_cases), then the door reader
# and its test for the Cortex-M4; sizes against the targets.
firmware: deps-firmware
	@[ -f $(M4_BUILD)/host/CMakeCache.txt ] || cmake -S . -B $(M4_BUILD)/host -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(M4_BUILD)/host -j $(JOBS) --target testkit
	@[ -f $(M4_BUILD)/gen/CMakeCache.txt ] || cmake -S board/cortex-m/host -B $(M4_BUILD)/gen \
	  -DTESS_HOST_BUILD=$(CURDIR)/$(M4_BUILD)/host >/dev/null
	cmake --build $(M4_BUILD)/gen -j $(JOBS)
	mkdir -p $(M4_BUILD)/gen/out
	./$(M4_BUILD)/gen/gen_cases $(M4_BUILD)/gen/out $(M4_MAX_Z) $(M4_MAX_C) | grep '^gen_cases:'
	cmake -S board/cortex-m -B $(M4_BUILD)/target -DCMAKE_BUILD_TYPE=MinSizeRel \
	  -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/board/cortex-m/toolchain-m4.cmake \
	  -DTESS_M4_SRC=$(CURDIR)/$(M4_BUILD)/src -DTESS_M4_GEN=$(CURDIR)/$(M4_BUILD)/gen/out \
	  -DTESS_M4_MAX_Z=$(M4_MAX_Z) -DTESS_M4_MAX_C=$(M4_MAX_C) \
	  -DTESS_M4_INFLATE=$(M4_INFLATE) >/dev/null
	cmake --build $(M4_BUILD)/target -j $(JOBS)
	./board/cortex-m/sizes.sh $(M4_BUILD)/target/door.elf $(M4_BUILD)/target/door.map

# Every case on the emulated Cortex-M4 (qemu-system-arm -M mps2-an386),
# then the door reader's own answers; exit code 0 only if all match.
firmware-test: firmware
	./board/cortex-m/firmware-test.sh $(M4_BUILD)
