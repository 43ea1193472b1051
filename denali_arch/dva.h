/* dva.h - the DVA-1 guest/host contract: constants, the register page, ports, lines, encodings.
 *
 * Shared verbatim by the emulator (host, any word size) and by guests (gcc -m32 -ffreestanding).
 * It depends on nothing but <stdint.h> and <stddef.h>, so a guest can include it on its own.
 * Every number here is fixed by DVA-1 revision 1 (docs/abi.md); change none of them.
 */
#ifndef DENALI_DVA_H
#define DENALI_DVA_H

#include <stddef.h>
#include <stdint.h>

#define DVA_VERSION 1u
#define DVA_MAGIC 0x494C4E44u /* "DNLI" little-endian; also EAX at entry */

/* Memory (DVA-1 section 1). */
#define DVA_PAGE_SIZE 4096u
#define DVA_PAGE_SHIFT 12u
#define DVA_MEM_MIN (64u * 1024u)
#define DVA_MEM_MAX (3u * 1024u * 1024u * 1024u)
#define DVA_MEM_DEFAULT (16u * 1024u * 1024u)
#define DVA_INITIAL_EFLAGS 0x00000002u

/* #PF error-code bits (DVA-1 section 1). */
#define DVA_PF_P 0x01u     /* address below mem_size: a protection violation */
#define DVA_PF_W 0x02u     /* the access was a write */
#define DVA_PF_U 0x04u     /* always set: guests run at user level */
#define DVA_PF_I 0x10u     /* the access was an instruction fetch */

/* Exception vectors the emulator raises (DVA-1 section 5). */
enum dva_vector {
	DVA_VEC_DE = 0,  /* divide error */
	DVA_VEC_BP = 3,  /* INT3 */
	DVA_VEC_OF = 4,  /* INTO */
	DVA_VEC_BR = 5,  /* BOUND */
	DVA_VEC_UD = 6,  /* invalid or removed opcode */
	DVA_VEC_NM = 7,  /* device not available */
	DVA_VEC_GP = 13, /* general protection: unknown port, over-long instruction */
	DVA_VEC_PF = 14, /* page fault: outside memory, read-only, fetch from page 0 */
	DVA_VEC_MF = 16, /* x87 floating-point error */
	DVA_VEC_UPCALL = 32, /* batched virtual interrupts */
	DVA_VECTORS = 256,
};

/* fault_error for #UD: 1 when the instruction is one DVA-1 removed, else 0. */
#define DVA_UD_REMOVED 1u

/* Virtual interrupt lines: bit numbers of irq_pending / irq_mask / irq_batch. */
enum dva_line {
	DVA_LINE_TIMER = 0,
	DVA_LINE_CONSOLE_IN = 1,
	DVA_LINE_NET_RX = 2,
	DVA_LINE_NET_TX_SPACE = 3,
	DVA_LINE_DISK = 4,
	DVA_LINE_KEYBOARD = 5,
	DVA_LINE_DISPLAY = 6,
	DVA_LINES = 7,
};
#define DVA_LINE_MASK ((1u << DVA_LINES) - 1u) /* bits 7-31 of irq_mask read as 0 */

/* I/O ports (DVA-1 section 7), always addressed through DX. */
#define DVA_PORT_CONSOLE 0xD000u       /* OUT AL: write a byte; IN AL: read a byte */
#define DVA_PORT_CONSOLE_STATUS 0xD001u /* IN EAX: bytes waiting, bit 31 = input ended */
#define DVA_PORT_NET 0xD100u
#define DVA_PORT_DISK 0xD200u
#define DVA_PORT_TIMER_ONESHOT 0xD300u
#define DVA_PORT_TIMER_PERIODIC 0xD301u
#define DVA_PORT_KEYBOARD 0xD400u
#define DVA_PORT_DISPLAY 0xD500u
#define DVA_CONSOLE_EOF 0x80000000u /* bit 31 of the console status */

/* The request block of the request-block devices (network, disk, display). */
struct dva_request {
	uint32_t op;     /* device-specific operation */
	uint32_t status; /* enum dva_req_status */
	uint32_t addr;   /* guest address of the data */
	uint32_t len;    /* bytes */
	uint32_t arg;    /* device-specific argument */
	uint32_t result; /* device-specific result */
};
enum dva_req_status { DVA_REQ_DONE = 0, DVA_REQ_PENDING = 1, DVA_REQ_WOULD_BLOCK = 2, DVA_REQ_BAD = 3 };

/* The two virtual instructions (DVA-1 section 4): 0F 3F then the function byte. */
#define DVA_VI_ESCAPE0 0x0Fu
#define DVA_VI_ESCAPE1 0x3Fu
#define DVA_VI_IDLE 0x01u      /* EAX = timeout in microseconds */
#define DVA_VI_TERMINATE 0x02u /* EAX & 0xFF = exit status */
#define DVA_IDLE_FOREVER 0xFFFFFFFFu
#define DVA_IDLE_YIELD 0u

/* CPUID (DVA-1 section 2). */
#define DVA_CPUID_LEAF1_EAX 0x00000600u
#define DVA_CPUID_LEAF1_EDX 0x00008111u /* FPU, TSC, CX8, CMOV */

/* Page 0: the virtual registers (DVA-1 section 3). RO = kept by the emulator. */
struct dva_regs {
	uint32_t magic;         /* 0x000 RO DVA_MAGIC */
	uint32_t version;       /* 0x004 RO DVA_VERSION */
	uint32_t vm_id;         /* 0x008 RO 0, 1, 2, ... in creation order */
	uint32_t mem_size;      /* 0x00C RO bytes of guest memory */
	uint32_t cpu_hz;        /* 0x010 RO virtual instructions per virtual second */
	uint32_t flags;         /* 0x014 RO bit 0: deterministic clock */
	uint64_t time_ns;       /* 0x018 RO system time, ns */
	uint32_t irq_enable;    /* 0x020 RW virtual interrupt flag, 0 or 1 */
	uint32_t irq_pending;   /* 0x024 RW1C lines raised, not yet delivered */
	uint32_t irq_mask;      /* 0x028 RW lines the guest wants (bits 0-6) */
	uint32_t irq_batch;     /* 0x02C RO lines of the last upcall */
	uint32_t vector_base;   /* 0x030 RW guest address of the vector table, 0 none */
	uint32_t fault_vector;  /* 0x034 RO vector of the last exception raised */
	uint32_t fault_error;   /* 0x038 RO its error code */
	uint32_t fault_addr;    /* 0x03C RO faulting address (#PF) */
	uint32_t fault_eip;     /* 0x040 RO first byte of the faulting instruction */
	uint32_t reserved_44;   /* 0x044 */
	uint64_t instret;       /* 0x048 RO instructions retired by this VM */
	uint8_t mac[6];         /* 0x050 RO Ethernet address */
	uint8_t reserved_56[2]; /* 0x056 */
	uint32_t disk_count;    /* 0x058 RO disks attached, at most 8 */
	uint32_t reserved_5c;   /* 0x05C */
	uint32_t disk_blocks[8]; /* 0x060 RO size of each disk in 4 KiB blocks */
	uint64_t seed;          /* 0x080 RO per-VM seed */
	uint64_t epoch_ns;      /* 0x088 RO Unix time in ns at time_ns = 0 */
	uint32_t devices;       /* 0x090 RO bit n: the device behind line n exists */
	uint32_t disk_ro;       /* 0x094 RO bit n: disk n is read-only */
	uint8_t reserved_98[104]; /* 0x098 */
	char args[256];         /* 0x100 RO argument string, NUL-terminated */
	uint8_t reserved_200[3584]; /* 0x200 */
};

#define DVA_ARGS_MAX 255u /* longest argument string, without its NUL */

_Static_assert(offsetof(struct dva_regs, magic) == 0x000, "magic");
_Static_assert(offsetof(struct dva_regs, version) == 0x004, "version");
_Static_assert(offsetof(struct dva_regs, vm_id) == 0x008, "vm_id");
_Static_assert(offsetof(struct dva_regs, mem_size) == 0x00C, "mem_size");
_Static_assert(offsetof(struct dva_regs, cpu_hz) == 0x010, "cpu_hz");
_Static_assert(offsetof(struct dva_regs, flags) == 0x014, "flags");
_Static_assert(offsetof(struct dva_regs, time_ns) == 0x018, "time_ns");
_Static_assert(offsetof(struct dva_regs, irq_enable) == 0x020, "irq_enable");
_Static_assert(offsetof(struct dva_regs, irq_pending) == 0x024, "irq_pending");
_Static_assert(offsetof(struct dva_regs, irq_mask) == 0x028, "irq_mask");
_Static_assert(offsetof(struct dva_regs, irq_batch) == 0x02C, "irq_batch");
_Static_assert(offsetof(struct dva_regs, vector_base) == 0x030, "vector_base");
_Static_assert(offsetof(struct dva_regs, fault_vector) == 0x034, "fault_vector");
_Static_assert(offsetof(struct dva_regs, fault_error) == 0x038, "fault_error");
_Static_assert(offsetof(struct dva_regs, fault_addr) == 0x03C, "fault_addr");
_Static_assert(offsetof(struct dva_regs, fault_eip) == 0x040, "fault_eip");
_Static_assert(offsetof(struct dva_regs, instret) == 0x048, "instret");
_Static_assert(offsetof(struct dva_regs, mac) == 0x050, "mac");
_Static_assert(offsetof(struct dva_regs, disk_count) == 0x058, "disk_count");
_Static_assert(offsetof(struct dva_regs, disk_blocks) == 0x060, "disk_blocks");
_Static_assert(offsetof(struct dva_regs, seed) == 0x080, "seed");
_Static_assert(offsetof(struct dva_regs, epoch_ns) == 0x088, "epoch_ns");
_Static_assert(offsetof(struct dva_regs, devices) == 0x090, "devices");
_Static_assert(offsetof(struct dva_regs, disk_ro) == 0x094, "disk_ro");
_Static_assert(offsetof(struct dva_regs, args) == 0x100, "args");
_Static_assert(sizeof(struct dva_regs) == 4096, "the register page is one page");

/* The only writable bytes of page 0: [irq_enable, vector_base + 4). */
#define DVA_RW_FIRST 0x020u
#define DVA_RW_END 0x034u

#endif
