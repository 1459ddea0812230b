// SPDX-License-Identifier: Apache-2.0
// Nothing of its own: the target that compiles the precompiled headers needs one source file
// (cmake/Precompile.cmake).
