# mmu/: guest memory.
MMU_SRCS := mmu/mem.c mmu/pool.c mmu/swap.c
