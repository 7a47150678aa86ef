/* SPDX-License-Identifier: MIT */
/*
 * A Freescale I2C controller (ppce500: PHYSDEVOP_platform_device type
 * PHYSDEV_DEVICE_FSL_I2C, MPIC source 43) as an interrupt source for the
 * pirq tests: as bus master it addresses the board's real-time clock
 * (0x68) and sets MIF, which with MIEN asserts its interrupt until MIF
 * is cleared (MPC8544 reference manual, I2C chapter; QEMU's
 * hw/i2c/mpc_i2c.c).  The registers are bytes.
 */
#include <port/pci.h>
#include <port/pirq_source.h>

#define I2C_CR 0x08
#define I2C_SR 0x0c
#define I2C_DR 0x10
#define CR_MEN 0x80u
#define CR_MIEN 0x40u
#define CR_MSTA 0x20u
#define CR_MTX 0x10u
#define SR_MIF 0x02u
#define RTC_WRITE_ADDRESS (0x68u << 1)

static volatile uint8_t *reg(struct pirq_source *s, unsigned off)
{
    return (volatile uint8_t *)(s->regs + off);
}

static int i2c_find(struct pirq_source *s)
{
    struct platform_device pd;
    for (unsigned i = 0; platform_device(i, &pd) == 0; i++) {
        if (pd.type != PHYSDEV_DEVICE_FSL_I2C)
            continue;
        s->regs = kva_alloc(1);
        if (mmio_map(s->regs, pd.base) != 0)
            return 0;
        *reg(s, I2C_CR) = 0; /* disabled: a clean start */
        s->pirq = pd.pirq;
        s->hv_pirq = 42; /* the DUART: the hypervisor's console */
        s->what = "I2C controller";
        return 1;
    }
    return 0;
}

/* Start a write to the RTC: the address byte's completion sets MIF. */
static void i2c_raise(struct pirq_source *s)
{
    *reg(s, I2C_CR) = CR_MEN | CR_MIEN | CR_MSTA | CR_MTX;
    *reg(s, I2C_DR) = RTC_WRITE_ADDRESS;
}

static void i2c_ack(struct pirq_source *s)
{
    *reg(s, I2C_SR) = (uint8_t)(*reg(s, I2C_SR) & ~SR_MIF);
}

/* One data byte (the RTC's register pointer, 0): MIF again. */
static void i2c_again(struct pirq_source *s)
{
    *reg(s, I2C_DR) = 0;
}

static void i2c_stop(struct pirq_source *s)
{
    *reg(s, I2C_CR) = CR_MEN; /* stop condition */
    *reg(s, I2C_CR) = 0;      /* disabled */
    mmu_unmap(0, s->regs);
}

const struct pirq_source_ops i2c_pirq_ops = {i2c_find, i2c_raise, i2c_ack, i2c_again,
                                             i2c_stop};
