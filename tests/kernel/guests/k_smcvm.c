/* k_smcvm.c - code a guest writes is its own: every VM of this image patches the same address
 * in its writable memory with its own vm_id, runs it, and must see its own value back, twice
 * (the second patch replaces code the cache has already decoded). Read-only code of the image
 * is decoded once for all VMs; code in writable memory never is shared. */
#include <denali.h>

/* mov eax, imm32; ret — in .data, so writable and private to each VM. */
static unsigned char code[6] = { 0xB8, 0, 0, 0, 0, 0xC3 };

static unsigned run(unsigned v)
{
	code[1] = (unsigned char)v;
	code[2] = (unsigned char)(v >> 8);
	code[3] = (unsigned char)(v >> 16);
	code[4] = (unsigned char)(v >> 24);
	unsigned (*fn)(void) = (unsigned (*)(void))(void *)code;
	return fn();
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	unsigned id = dva_page0.vm_id;
	unsigned a = run(id), b = run(1000 + id);
	dva_printf("vm %u: %u %u\n", id, a, b);
	return a == id && b == 1000 + id ? 0 : 1;
}
