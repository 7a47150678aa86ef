/* SPDX-License-Identifier: MIT */
/* The hypervisor's version, printed in the banner and by VERSION_extra. */
#ifndef CORE_VERSION_H
#define CORE_VERSION_H

#define HESTIA_VERSION_STRING "0.1.0"

#endif
