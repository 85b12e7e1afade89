# packaging.cmake: what a Tessera kiosk installs, and the Debian package
# of it (`make deb`: CPack's DEB generator, board/rpi/README.md).
#
# Installed (CPACK_PACKAGING_INSTALL_PREFIX /usr):
#   bin/tessera, bin/tessera-kiosk, sbin/tessera-provision
#   share/locale/LANG/LC_MESSAGES/tessera-kiosk.mo (the kiosk reads the
#     build folder's while it exists, else these; the unit also sets
#     TESSERA_LOCALEDIR to them)
#   share/tessera/templates/*.tmpl, share/tessera/esco/skills.tsv,
#   share/tessera/roles/ (example roles and access list), share/man/man{1,8}/*.gz
#   /etc/tessera/kiosk.conf (tessera-kiosk --print-config), /etc/default/tessera-kiosk
#   /lib/systemd/system/tessera-kiosk.service, tessera-provision@.service
#   /lib/udev/rules.d/60-tessera.rules
# The font is not shipped: it is Debian's fonts-dejavu-core, at the path
# app/kiosk/draw.c opens. The tessera user, its groups and /var/lib/tessera
# are made by the maintainer scripts (cmake/deb/).
#
# The package's architecture is the build's: a build with ../toolchain.cmake
# gives tessera_VERSION_arm64.deb, with Depends computed by dpkg-shlibdeps
# from the arm64 libraries (their :arm64 packages are installed by
# `make deps-cross`).

# Off by default: its build steps (compressed manual pages, the settings
# file written by running the kiosk) stay out of the other builds.
option(TESS_PACKAGING "install rules and the Debian package (make deb sets it)" OFF)
if(NOT TESS_PACKAGING)
  return()
endif()

# `make deb` builds what is packed, then runs cpack: cpack's install then
# does not build every test first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(tess_deb_dir ${CMAKE_CURRENT_LIST_DIR}/deb)
set(tess_board ${CMAKE_SOURCE_DIR}/board)

# ---- what is installed ----
install(TARGETS tessera RUNTIME DESTINATION bin)
if(TARGET tessera_kiosk)
  install(TARGETS tessera_kiosk RUNTIME DESTINATION bin)
endif()
install(PROGRAMS ${tess_board}/rpi/tessera-provision DESTINATION sbin)

if(TARGET tess_kiosk_locale)
  # the catalogues app/CMakeLists.txt compiles into the build folder
  install(DIRECTORY ${CMAKE_BINARY_DIR}/locale/ DESTINATION share/locale
          FILES_MATCHING PATTERN "tessera-kiosk.mo")
endif()

# The ESCO skills table (skill names on the details and booth screens) and
# the example booth roles and door access list: the kiosk's defaults when
# its settings name none (app/kiosk/match_mode.c).
install(FILES ${CMAKE_SOURCE_DIR}/assets/esco/skills.tsv DESTINATION share/tessera/esco)
file(GLOB tess_roles ${CMAKE_SOURCE_DIR}/assets/roles/*.role
     ${CMAKE_SOURCE_DIR}/assets/roles/*.access ${CMAKE_SOURCE_DIR}/assets/roles/README.md)
install(FILES ${tess_roles} DESTINATION share/tessera/roles)

file(GLOB tess_templates ${CMAKE_SOURCE_DIR}/assets/templates/*.tmpl)
if(tess_templates)
  install(FILES ${tess_templates} DESTINATION share/tessera/templates)
  if(EXISTS ${CMAKE_SOURCE_DIR}/assets/templates/README.md)
    install(FILES ${CMAKE_SOURCE_DIR}/assets/templates/README.md
            DESTINATION share/tessera/templates)
  endif()
endif()

# Manual pages, compressed as Debian wants them (gzip -9n: no name, no
# time, so that the package is reproducible).
find_program(TESS_GZIP gzip REQUIRED)
set(tess_man_pages tessera.1 tessera-kiosk.1 tessera-provision.8)
set(tess_man_out)
foreach(page IN LISTS tess_man_pages)
  set(out ${CMAKE_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${TESS_GZIP} -9n -c ${tess_board}/man/${page} > ${out}
    DEPENDS ${tess_board}/man/${page}
    COMMENT "gzip ${page}")
  list(APPEND tess_man_out ${out})
  string(REGEX REPLACE ".*\\." "" section "${page}")
  install(FILES ${out} DESTINATION share/man/man${section})
endforeach()

# The settings file the unit reads: the kiosk's own example, every key
# explained (run under qemu in the cross build, through the emulator).
if(TARGET tessera_kiosk)
  set(tess_conf ${CMAKE_BINARY_DIR}/kiosk.conf)
  add_custom_command(OUTPUT ${tess_conf}
    COMMAND ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:tessera_kiosk> --print-config
            > ${tess_conf}
    DEPENDS tessera_kiosk
    COMMENT "tessera-kiosk --print-config > kiosk.conf")
  install(FILES ${tess_conf} DESTINATION /etc/tessera)
  install(FILES ${tess_board}/rpi/tessera-kiosk.default DESTINATION /etc/default
          RENAME tessera-kiosk)
endif()
add_custom_target(tess_package_files ALL DEPENDS ${tess_man_out} ${tess_conf})

install(FILES ${tess_board}/rpi/tessera-kiosk.service ${tess_board}/rpi/tessera-provision@.service
        DESTINATION /lib/systemd/system)
install(FILES ${tess_board}/rpi/60-tessera.rules DESTINATION /lib/udev/rules.d)

# Debian's copyright and changelog for a native package.
set(tess_doc ${CMAKE_BINARY_DIR}/deb-doc)
add_custom_command(OUTPUT ${tess_doc}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${tess_doc}
  COMMAND ${TESS_GZIP} -9n -c ${tess_deb_dir}/changelog > ${tess_doc}/changelog.gz
  DEPENDS ${tess_deb_dir}/changelog)
add_custom_target(tess_deb_doc ALL DEPENDS ${tess_doc}/changelog.gz)
install(FILES ${tess_deb_dir}/copyright ${tess_doc}/changelog.gz DESTINATION share/doc/tessera)

# ---- the Debian package ----
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tessera)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Tessera")
set(CPACK_PACKAGE_CONTACT "Tessera maintainers <maintainers@users.noreply.r-seed-9e308562.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "offline verifier and issuer of micro-credentials (QR codes)")
set(CPACK_PACKAGE_DESCRIPTION
  "Tessera issues micro-credentials signed with Ed25519 and carried as the text\n\
of a QR code, and verifies them with no network against a root of trust and\n\
a signed trust bundle.\n\
.\n\
This package holds the tessera command, the full-screen kiosk tessera-kiosk\n\
(SDL2 on KMS/DRM, camera or handheld scanner), and the systemd unit that\n\
starts the kiosk at boot as the tessera user, with the watchdog on.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# dpkg's architecture name for the build's processor (cross builds too:
# CPack would otherwise ask the host's dpkg).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(tess_deb_arch arm64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
  set(tess_deb_arch amd64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^arm")
  set(tess_deb_arch armhf)
else()
  set(tess_deb_arch ${CMAKE_SYSTEM_PROCESSOR})
endif()
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${tess_deb_arch})
# also names the staging folder, so the two architectures never share one
set(CPACK_PACKAGE_FILE_NAME tessera-${PROJECT_VERSION}-${tess_deb_arch})
# The libraries' packages, by dpkg-shlibdeps (for the build's architecture),
# then what the maintainer scripts and the kiosk use without linking it:
# adduser (postinst), the font (draw.c opens it by path), the systemd
# helpers (postinst, prerm, postrm).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, fonts-dejavu-core, init-system-helpers (>= 1.52)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "udev")
# libcamerify (a Raspberry Pi CSI camera through V4L2), see tessera-kiosk(1)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libcamera-v4l2")
set(tess_control ${CMAKE_BINARY_DIR}/deb-control)
file(MAKE_DIRECTORY ${tess_control})
foreach(script IN ITEMS postinst prerm postrm)
  file(COPY ${tess_deb_dir}/${script} DESTINATION ${tess_control}
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                        WORLD_READ WORLD_EXECUTE)
endforeach()
file(COPY ${tess_deb_dir}/conffiles DESTINATION ${tess_control}
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${tess_control}/postinst ${tess_control}/prerm ${tess_control}/postrm
    ${tess_control}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
