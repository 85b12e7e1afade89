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
                clang libclang-rt-14-dev valgrind

.PHONY: all deps configure test asan bench soak demo fuzz clean

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
