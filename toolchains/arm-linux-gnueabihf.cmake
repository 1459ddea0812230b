# SPDX-License-Identifier: Apache-2.0
# Cross build for 32-bit Raspberry Pi OS / Debian armhf against Debian's multiarch packages:
#   scripts/setup --armhf   (dpkg --add-architecture armhf; g++-arm-linux-gnueabihf; libmodbus-dev:armhf ...)
# Test binaries run under qemu-arm (package qemu-user) through CMAKE_CROSSCOMPILING_EMULATOR.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(SUNBRIDGE_TRIPLET arm-linux-gnueabihf)
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
# "-L /": run against the multiarch runtime (libc6:<arch>, libstdc++6:<arch>) that the
# :<arch> library packages themselves depend on. The cross toolchain's own copy of glibc under
# /usr/${SUNBRIDGE_TRIPLET} is a different build; mixing the two hangs in pthread_create.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm;-L;/)
