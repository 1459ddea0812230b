# SPDX-License-Identifier: Apache-2.0
# Cross build for 64-bit Raspberry Pi OS / Debian arm64 against Debian's multiarch packages:
#   scripts/setup --cross   (dpkg --add-architecture arm64; g++-aarch64-linux-gnu; libmodbus-dev:arm64 ...)
# Test binaries run under qemu-aarch64 (package qemu-user) through CMAKE_CROSSCOMPILING_EMULATOR.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SUNBRIDGE_TRIPLET aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
# "-L /": run against the multiarch runtime (libc6:<arch>, libstdc++6:<arch>) that the
# :<arch> library packages themselves depend on. The cross toolchain's own copy of glibc under
# /usr/${SUNBRIDGE_TRIPLET} is a different build; mixing the two hangs in pthread_create.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;/)
