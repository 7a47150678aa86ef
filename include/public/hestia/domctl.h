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
#include "event_channel.h"
#include "grant_table.h"
#include "shared_info.h"
#include "trap.h"

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
/* Restore (docs/migration.md): the rest of a domain's hypervisor-side state. */
#define DOMCTL_get_domain_state 13 /* struct hestia_domain_state of a paused domU */
#define DOMCTL_set_domain_state 14 /* load it into a domain created for restore */
#define DOMCTL_set_mappings 15     /* rebuild an address space of such a domain */

#define DOMCTL_log_dirty 17 /* dirty-page tracking of a domU (live migration) */
/* h-svm: hardware-assisted (HVM) guests, docs/hvm.md. */
#define DOMCTL_hvm_start_vcpu 19 /* first register state of an HVM vCPU */

/* h-density (docs/density.md): */
#define DOMCTL_memstat 21 /* the hypervisor's memory figures (domid ignored) */

/* h-smp: vCPU affinity (docs/abi.md). */
#define DOMCTL_vcpu_affinity 23 /* set / read which CPUs a domain's vCPUs may run on */

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
/*
 * Created for restore: memory and paused, no vCPU started; set_vcpu_state
 * starts a vCPU from its record, set_mappings / set_domain_state load the
 * rest.  Nothing of it runs before DOMCTL_unpause.
 */
#define DOMCTL_CREATE_RESTORE 0x2
/*
 * An HVM domain: its memory is a guest-physical address space (gfn N at
 * guest-physical N * page) run under the CPU's virtualization extensions
 * with the hypervisor's device model (docs/hvm.md).  -HESTIA_ENOSYS where
 * the arch has none (only x86_64 with AMD SVM + nested paging has).
 */
#define DOMCTL_CREATE_HVM 0x4

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
#define DOMINFO_hvm 0x2 /* created with DOMCTL_CREATE_HVM */

struct domctl_sched {
    uint32_t weight; /* 1..DOMCTL_WEIGHT_MAX */
    uint32_t cap;    /* 0..100*HESTIA_MAX_CPUS percent, 0 = uncapped */
};

/*
 * DOMCTL_vcpu_affinity: vCPU `vcpu` of domid (DOMCTL_AFFINITY_ALL_VCPUS:
 * all of them) may run only on the physical CPUs whose bits are set in
 * cpus (bit n: CPU n).  cpus = 0 changes nothing (a read).  OUT: cpus =
 * the mask now in effect (vCPU 0's for ALL), online = the CPUs the
 * hypervisor runs on.  -EINVAL: a mask with no online CPU, no such vCPU.
 */
struct domctl_affinity {
    uint32_t vcpu;
    uint32_t cpus;   /* IN/OUT */
    uint32_t online; /* OUT */
    uint32_t pad;
};
#define DOMCTL_AFFINITY_ALL_VCPUS 0xffffffffu

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
 * DOMCTL_get_domain_state / DOMCTL_set_domain_state: the hypervisor-side
 * state of a domain that is not memory, mappings or vCPU registers, as one
 * versioned record at buf: struct hestia_domain_state, then nr_ports
 * struct domain_state_port.  get needs a paused domU (as read_memory) and
 * writes size bytes (OUT; -HESTIA_E2BIG with size set if buf is smaller);
 * set needs a domain created with DOMCTL_CREATE_RESTORE, paused, whose
 * state was not set before, and checks the whole record before it changes
 * anything (-HESTIA_EINVAL: bad magic / version / size, a port number out
 * of range or twice, an unknown or pirq state, a VIRQ bound twice, a vCPU
 * beyond the domain, grant-table gfns beyond it or twice, a user space
 * that does not exist, weight / cap out of range, a reserved field set).
 * Shared info is a hypervisor frame, so its contents travel here;
 * vcpu_info lives inside it.  Grant entries live in guest frames and
 * travel with memory; only the table's gfns are here.
 */
#define DOMAIN_STATE_MAGIC 0x54534448u /* "HDST" little-endian */
#define DOMAIN_STATE_VERSION 1
#define DOMAIN_STATE_MAX_SIZE (sizeof(struct hestia_domain_state) + EVTCHN_MAX_PORTS * 16u)

struct domain_state_vcpu {
    uint64_t timer_deadline_ns; /* guest system time, 0 = off */
    struct hestia_callbacks callbacks;
    uint32_t user_space; /* current user address space, 0 = none */
    uint32_t reserved;   /* 0 */
};

struct domain_state_port {
    uint32_t port;       /* 1..EVTCHN_MAX_PORTS-1, increasing */
    uint8_t state;       /* EVTCHNSTAT_unbound / interdomain / virq / ipi */
    uint8_t vcpu;        /* vCPU notified */
    uint16_t arg;        /* unbound: domid offered to; virq: VIRQ; else 0 */
    uint16_t remote_dom; /* interdomain (get only): peer; set closes it to unbound */
    uint16_t pad;
    uint32_t remote_port; /* interdomain (get only) */
};

struct hestia_domain_state {
    uint32_t magic;   /* DOMAIN_STATE_MAGIC */
    uint32_t version; /* DOMAIN_STATE_VERSION */
    uint32_t size;    /* bytes of the whole record, ports included */
    uint32_t nr_vcpus;
    uint32_t nr_ports;
    uint32_t nr_grant_frames; /* 0..GRANT_MAX_TABLE_FRAMES */
    uint64_t system_time_ns;  /* the guest's system time when it was read */
    uint32_t weight, cap;     /* scheduler */
    uint64_t grant_frames[GRANT_MAX_TABLE_FRAMES]; /* gfns of the grant table */
    uint64_t reserved[2];                          /* 0 */
    struct domain_state_vcpu vcpu[HESTIA_MAX_VCPUS];
    struct shared_info shared_info; /* whole: event bitmaps, vcpu_info, wall clock */
};

struct domctl_domain_state {
    uint64_t buf;
    uint32_t size; /* bytes at buf; get: OUT the record's size */
    uint32_t pad;  /* 0 */
};

/*
 * DOMCTL_set_mappings: map nr (1..DOMCTL_MAPPINGS_MAX) struct
 * domctl_mapping at buf into address space `space` (0 kernel, 1..
 * MMU_MAX_USER_AS: created if it does not exist) of a domain created for
 * restore, paused.  Kind own maps the domain's gfn, kind shared info its
 * shared info page; kind foreign is refused (-HESTIA_EINVAL: grants of a
 * domain that did not move are not restored).  The batch is checked whole
 * first: va aligned and valid for the space, perms valid, gfn below the
 * domain's limit and populated, no va already mapped; otherwise
 * -HESTIA_EINVAL and nothing is mapped.  nr 0 (with buf 0, h-migmap)
 * unmaps every mapping of the space instead (a live stream's mappings
 * reset, docs/migration.md); a space that does not exist is left so.
 */
struct domctl_set_mappings {
    uint64_t buf;
    uint32_t space;
    uint32_t nr;
};

/*
 * DOMCTL_log_dirty (docs/migration.md, "Log-dirty"): op ENABLE starts
 * tracking (every page counts as clean from then on), PEEK_CLEAN copies
 * the bitmap of gfns written since enable or the previous PEEK_CLEAN
 * (bit g % 8 of byte g / 8) into bitmap and clears it, DISABLE stops.
 * nr_gfns (PEEK_CLEAN) is the size of the caller's bitmap in bits and must
 * cover the domain's gfn range; on return it is set to that range and
 * dirty to the number of bits set.  ENABLE twice is -EALREADY, PEEK_CLEAN
 * or DISABLE without ENABLE -EINVAL.
 */
struct domctl_log_dirty {
    uint32_t op;
    uint32_t pad;     /* 0 */
    uint64_t bitmap;  /* guest VA of (nr_gfns + 7) / 8 bytes */
    uint64_t nr_gfns; /* IN: bits in bitmap; OUT: the domain's gfn range */
    uint64_t dirty;   /* OUT: bits set */
};
#define DOMCTL_LOG_DIRTY_ENABLE 1
#define DOMCTL_LOG_DIRTY_PEEK_CLEAN 2
#define DOMCTL_LOG_DIRTY_DISABLE 3
/*
 * h-migmap: `dirty` (OUT) is how many times a mapping of the domain was
 * made, removed or re-protected (or a space destroyed) since ENABLE.  The
 * toolstack sends the address spaces during pre-copy and again at the
 * pause only if this moved.  -EINVAL without ENABLE.
 */
#define DOMCTL_LOG_DIRTY_MAPPINGS_GEN 4

/*
 * DOMCTL_hvm_start_vcpu: start vCPU `vcpu` of an HVM domain, not started
 * before (-HESTIA_EALREADY), in 64-bit long mode at rip with paging on
 * (cr3: the guest-physical address of its 4-level tables, which the caller
 * wrote), flat segments (code selector cs, data selectors cs + 8, the
 * descriptors' hidden state loaded as if from a GDT at gdt_base), and the
 * given rsp and rsi (the x86 64-bit boot protocol's boot_params pointer).
 * -HESTIA_EINVAL for a non-HVM domain, a non-canonical rip / rsp, a cr3
 * beyond the domain's memory or a flag set.
 */
struct domctl_hvm_start {
    uint32_t vcpu;
    uint16_t cs; /* e.g. 0x10, Linux's __BOOT_CS */
    uint16_t gdt_limit;
    uint64_t rip, rsp, rsi, cr3;
    uint64_t gdt_base;
    uint64_t flags; /* 0 */
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
        struct domctl_domain_state domain_state;
        struct domctl_set_mappings set_mappings;
        struct domctl_log_dirty log_dirty;
        struct domctl_hvm_start hvm_start;
        struct domctl_memstat memstat;
        struct domctl_affinity affinity;
        uint8_t pad[128];
    } u;
};

#endif
