# SPDX-License-Identifier: Apache-2.0
# Shared part of the Debian multiarch toolchain files. Expects SUNBRIDGE_TRIPLET.
set(CMAKE_C_COMPILER ${SUNBRIDGE_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${SUNBRIDGE_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${SUNBRIDGE_TRIPLET})

# Target libraries live in /usr/lib/<triplet> (multiarch), headers in /usr/include; the
# header-only packages (nlohmann-json, CLI11, Catch2) are architecture-independent and their
# CMake configs live under /usr/share and /usr/lib/cmake.
set(CMAKE_FIND_ROOT_PATH /usr/${SUNBRIDGE_TRIPLET} /usr)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# pkg-config must only see the target architecture's .pc files.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${SUNBRIDGE_TRIPLET}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
