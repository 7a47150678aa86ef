/* SPDX-License-Identifier: MIT */
/*
 * Error codes returned by every hypercall, as negative values.
 * The numbers follow Linux/POSIX errno so guest ports can pass them through.
 */
#ifndef HESTIA_PUBLIC_ERRNO_H
#define HESTIA_PUBLIC_ERRNO_H

#define HESTIA_OK 0
#define HESTIA_EPERM 1      /* caller lacks the privilege (not dom0, not granted) */
#define HESTIA_ENOENT 2     /* no such object (grant ref not in use, module) */
#define HESTIA_ESRCH 3      /* no such domain or vCPU */
#define HESTIA_EINTR 4      /* interrupted; retry */
#define HESTIA_EIO 5        /* platform failure */
#define HESTIA_E2BIG 7      /* batch or buffer too large */
#define HESTIA_EBADF 9      /* bad event-channel port or handle */
#define HESTIA_EAGAIN 11    /* try again later */
#define HESTIA_ENOMEM 12    /* out of memory or over the domain's limit */
#define HESTIA_EACCES 13    /* access denied by permissions (read-only grant) */
#define HESTIA_EFAULT 14    /* a guest pointer is not readable/writable */
#define HESTIA_EBUSY 16     /* object in use (frame still mapped, grant active) */
#define HESTIA_EEXIST 17    /* already exists / already mapped */
#define HESTIA_ENODEV 19    /* the platform has no such device (no PCI on ia64sim) */
#define HESTIA_EINVAL 22    /* invalid argument */
#define HESTIA_ENOSPC 28    /* table full (ports, grant entries, handles) */
#define HESTIA_ERANGE 34    /* value out of range */
#define HESTIA_ENOSYS 38    /* unknown hypercall or sub-operation */
#define HESTIA_EALREADY 114 /* operation already done (already paused, shut down) */

#endif
