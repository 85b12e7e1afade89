# Cross toolchain for 64-bit Raspberry Pi OS (Debian 12 "bookworm", arm64)
# on a Debian 12 multiarch host. `make deps-cross` installs the compilers,
# qemu-user and the :arm64 -dev packages; `make cross` configures with
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=toolchain.cmake
# and builds; `make cross-test` runs the whole CTest suite under
# qemu-aarch64 (board/rpi/README.md, "Tests under qemu").
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# The strip and objcopy that understand arm64 (CPack strips with these).
set(CMAKE_STRIP aarch64-linux-gnu-strip CACHE FILEPATH "arm64 strip")
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "arm64 objcopy")

# Without "/", find_package(ZLIB) finds nothing on a multiarch host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config must see only the arm64 .pc files (and the arch-independent
# ones), never the host's.
set(tess_pc_dirs /usr/lib/aarch64-linux-gnu/pkgconfig /usr/share/pkgconfig)

# ZBar: libzbar-dev:arm64 cannot be installed beside the host's libzbar-dev
# (apt removes one for the other), so only libzbar0:arm64 is there. Its
# header is the host's (architecture-independent); the link and the .pc
# are made here, in the build folder, pointing at the arm64 library.
# try_compile reads this file again in its own folder: the environment
# set by the first read stays, so only that read sets it.
get_property(tess_in_try_compile GLOBAL PROPERTY IN_TRY_COMPILE)
if(NOT tess_in_try_compile
   AND NOT EXISTS /usr/lib/aarch64-linux-gnu/pkgconfig/zbar.pc
   AND EXISTS /usr/lib/aarch64-linux-gnu/libzbar.so.0)
  set(tess_zbar_dir ${CMAKE_BINARY_DIR}/cross-zbar)
  file(MAKE_DIRECTORY ${tess_zbar_dir}/lib ${tess_zbar_dir}/pkgconfig)
  file(CREATE_LINK /usr/lib/aarch64-linux-gnu/libzbar.so.0 ${tess_zbar_dir}/lib/libzbar.so
       SYMBOLIC)
  execute_process(COMMAND dpkg-query -W -f=\${Version} libzbar0:arm64
                  OUTPUT_VARIABLE tess_zbar_version ERROR_QUIET)
  string(REGEX REPLACE "-.*" "" tess_zbar_version "${tess_zbar_version}")
  if(NOT tess_zbar_version)
    set(tess_zbar_version 0)
  endif()
  file(WRITE ${tess_zbar_dir}/pkgconfig/zbar.pc
"libdir=${tess_zbar_dir}/lib
includedir=/usr/include

Name: zbar
Description: bar code scanning and decoding (arm64 library, host header)
Version: ${tess_zbar_version}
Libs: -L\${libdir} -lzbar
Cflags: -I\${includedir}
")
  list(APPEND tess_pc_dirs ${tess_zbar_dir}/pkgconfig)
endif()
if(NOT tess_in_try_compile)
  string(REPLACE ";" ":" tess_pc_dirs "${tess_pc_dirs}")
  set(ENV{PKG_CONFIG_LIBDIR} "${tess_pc_dirs}")
  set(ENV{PKG_CONFIG_PATH} "")
endif()

# CTest runs every test through this: qemu-aarch64, plain (no -L on a
# multiarch host: it would mix two C libraries), and arm64 programs that a
# test starts as children made startable without binfmt_misc.
set(CMAKE_CROSSCOMPILING_EMULATOR /bin/sh ${CMAKE_CURRENT_LIST_DIR}/cmake/qemu-run.sh)
