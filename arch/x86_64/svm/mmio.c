/* SPDX-License-Identifier: MIT */
/*
 * Nested page faults of HVM guests.  All of a guest's memory is mapped
 * writable and executable from creation on, so a fault means an access
 * beyond its RAM: device memory the model does not have.  Without decode
 * assists (QEMU's TCG has none) emulating it needs the instruction
 * decoded; until that is written, such an access crashes the guest (only
 * it), with the address in the log.
 */
#include "svm.h"

int svm_npf(struct hal_vcpu *hv, uint64_t gpa, uint64_t err)
{
    (void)err;
    svm_log_once(hv, "access to unbacked guest-physical", gpa);
    return -1;
}
