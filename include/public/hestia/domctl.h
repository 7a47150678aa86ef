/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_domctl(ptr): domain control, dom0 only (-HESTIA_EPERM otherwise).
 *
 * dom0 builds a domU this way: create (memory is allocated and the domain
 * is paused), write_memory to load the image and the start info page,
 * start_vcpu with the entry point, then unpause.
 */
#ifndef HESTIA_PUBLIC_DOMCTL_H
#define HESTIA_PUBLIC_DOMCTL_H

#include "abi.h"

#define DOMCTL_create 0
#define DOMCTL_destroy 1
#define DOMCTL_pause 2
#define DOMCTL_unpause 3
#define DOMCTL_getinfo 4 /* info on domid, or the next domain >= domid */
#define DOMCTL_sched_set 5
#define DOMCTL_sched_get 6
#define DOMCTL_write_memory 7
#define DOMCTL_start_vcpu 8
#define DOMCTL_get_vcpu_state 9 /* the whole state of a vCPU of a paused domU */
#define DOMCTL_set_vcpu_state 10
#define DOMCTL_read_memory 11  /* copy whole frames of a paused domU (save / migrate) */
#define DOMCTL_get_mappings 12 /* list an address space of a paused domU */

/* h-density (docs/density.md): */
#define DOMCTL_memstat 21 /* the hypervisor's memory figures (domid ignored) */

#define DOMCTL_MAX_PAGES (1u << 20) /* 4 GiB */
#define DOMCTL_WEIGHT_DEFAULT 256
#define DOMCTL_WEIGHT_MAX 65535

/* Domain states reported by getinfo. */
#define DOMSTATE_running 0 /* runnable or running */
#define DOMSTATE_blocked 1 /* all vCPUs blocked */
#define DOMSTATE_paused 2
#define DOMSTATE_shutdown 3 /* shut down; reason in shutdown_reason */
#define DOMSTATE_dying 4

struct domctl_create {
    uint64_t nr_pages;  /* pseudo-physical memory, 1..DOMCTL_MAX_PAGES */
    uint32_t weight;    /* 0 = default */
    uint32_t cap;       /* percent of one CPU, 0 = uncapped */
    uint32_t max_vcpus; /* 1..HESTIA_MAX_VCPUS */
    uint32_t flags;     /* DOMCTL_CREATE_* */
};
#define DOMCTL_CREATE_PRIVILEGED 0x1 /* refused: only the boot creates dom0 */

struct domctl_info {
    hestia_domid_t domid; /* OUT */
    uint16_t pad;
    uint32_t state;           /* DOMSTATE_* */
    uint32_t shutdown_reason; /* SHUTDOWN_* when state is shutdown */
    uint32_t nr_vcpus;
    uint64_t nr_pages;
    uint64_t max_pages;
    uint64_t cpu_time_ns; /* CPU time consumed by all vCPUs */
    uint32_t weight;
    uint32_t cap;
    uint32_t flags; /* DOMINFO_* */
    uint32_t pad2;
};
#define DOMINFO_privileged 0x1

struct domctl_sched {
    uint32_t weight; /* 1..DOMCTL_WEIGHT_MAX */
    uint32_t cap;    /* 0..100*HESTIA_MAX_CPUS percent, 0 = uncapped */
};

/* Copy len bytes from the caller's buffer to domid's memory at gfn:offset. */
struct domctl_write_memory {
    uint64_t buf;
    uint64_t gfn;
    uint32_t offset; /* may run across frames */
    uint32_t len;    /* at most DOMCTL_WRITE_MAX */
};
#define DOMCTL_WRITE_MAX (1u << 20)

/* Start vCPU `vcpu` of a created domain at entry with the given stack. */
struct domctl_start_vcpu {
    uint32_t vcpu;
    uint32_t pad;
    uint64_t entry_va;
    uint64_t stack_va;
    uint64_t start_info_gfn; /* hypervisor fills its fields (start_info.h) */
};

/*
 * DOMCTL_get_vcpu_state / DOMCTL_set_vcpu_state: the whole architectural
 * state of vCPU `vcpu` of domid as a struct hestia_vcpu_state record
 * (vcpu_state.h) at buf.  The target must be another domain, paused with
 * DOMCTL_pause (-HESTIA_EBUSY otherwise), and the vCPU started
 * (-HESTIA_EINVAL otherwise).  get writes hdr.size bytes (the arch's record
 * size) and needs size >= that (-HESTIA_E2BIG); set reads size bytes, which
 * must equal the record's hdr.size.  set refuses (-HESTIA_EINVAL, nothing
 * changed) a record of another version, arch or size, and any register
 * value that would give the guest privilege.
 */
struct domctl_vcpu_state {
    uint32_t vcpu;
    uint32_t size; /* bytes at buf */
    uint64_t buf;  /* guest VA of the record */
};

/*
 * DOMCTL_read_memory: copy the frames named by nr gfns (an array of
 * uint64_t at gfns) into buf, nr * HESTIA_PAGE_SIZE bytes, frame i at
 * buf + i * HESTIA_PAGE_SIZE.  The target must be another domain, paused
 * with DOMCTL_pause (-HESTIA_EBUSY otherwise) and not shut down
 * (-HESTIA_EINVAL).  nr is 1..DOMCTL_READ_MAX_GFNS (-HESTIA_E2BIG above,
 * -HESTIA_EINVAL for 0).  Every gfn is checked before anything is copied:
 * beyond the domain's limit -HESTIA_EINVAL, not populated -HESTIA_EFAULT.
 * A bad gfns or buf pointer is -HESTIA_EFAULT (buf may be partly written).
 */
struct domctl_read_memory {
    uint64_t gfns; /* guest VA of nr uint64_t */
    uint64_t buf;  /* guest VA of nr * HESTIA_PAGE_SIZE bytes */
    uint32_t nr;
    uint32_t pad; /* 0 */
};
#define DOMCTL_READ_MAX_GFNS 64u

/*
 * DOMCTL_get_mappings: the mappings of address space `space` (0 = kernel,
 * 1..MMU_MAX_USER_AS = a user handle) of a paused domU with
 * start_va <= va, in increasing va order, as up to `max` (1..
 * DOMCTL_MAPPINGS_MAX) struct domctl_mapping at buf.  OUT: nr written,
 * more = 1 and next_va when the list goes on (call again from next_va).
 * Target checks as DOMCTL_read_memory; a space that does not exist is
 * -HESTIA_EBADF.  The hypervisor owns the page tables: this, with the
 * frames, is what a restore rebuilds them from (docs/migration.md).
 */
struct domctl_mapping {
    uint64_t va;
    uint64_t gfn;   /* the domain's own gfn; ~0 for the other kinds */
    uint32_t perms; /* MMU_PERM_* */
    uint32_t kind;  /* DOMCTL_MAPPING_* */
};
#define DOMCTL_MAPPING_OWN 0         /* a frame of the domain: gfn valid */
#define DOMCTL_MAPPING_SHARED_INFO 1 /* its shared info page */
#define DOMCTL_MAPPING_FOREIGN 2     /* another domain's frame (a grant) or device memory */
#define DOMCTL_MAPPINGS_MAX 256u

struct domctl_get_mappings {
    uint64_t buf;
    uint64_t start_va;
    uint32_t space;
    uint32_t max;
    uint32_t nr;      /* OUT */
    uint32_t more;    /* OUT */
    uint64_t next_va; /* OUT */
};

/*
 * DOMCTL_memstat: OUT only, all in frames of HESTIA_PAGE_SIZE except
 * heap_bytes.  hyp_frames are the allocated frames owned by no domain (the
 * heap, shared-info pages, page tables); pt_frames the page-table frames
 * among them (the domains' and the per-vCPU views the arch keeps); heap_bytes the heap
 * objects in use (size classes rounded up).  nr_domains counts every domain, dom0 included.
 */
struct domctl_memstat {
    uint64_t total_frames;
    uint64_t free_frames;
    uint64_t hyp_frames;
    uint64_t pt_frames;
    uint64_t heap_bytes;
    uint32_t nr_domains;
    uint32_t pad;
};

struct hestia_domctl {
    uint32_t cmd;               /* DOMCTL_* */
    uint32_t interface_version; /* HESTIA_ABI_VERSION */
    hestia_domid_t domid;       /* target (create: OUT) */
    uint16_t pad[3];
    union {
        struct domctl_create create;
        struct domctl_info info;
        struct domctl_sched sched;
        struct domctl_write_memory write_memory;
        struct domctl_start_vcpu start_vcpu;
        struct domctl_vcpu_state vcpu_state;
        struct domctl_read_memory read_memory;
        struct domctl_get_mappings get_mappings;
        struct domctl_memstat memstat;
        uint8_t pad[128];
    } u;
};

#endif
