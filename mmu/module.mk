# mmu/: guest memory.
MMU_SRCS := mmu/mem.c
