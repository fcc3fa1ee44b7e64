// SPDX-License-Identifier: GPL-2.0
/*
 * debug_exit STATUS: end the vmtest guest, handing STATUS to the host.
 *
 * QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4) makes
 * QEMU exit with (value << 1) | 1 when the guest writes value to its port.
 * Debian's cloud kernel has no /dev/port, hence this program. The console
 * is drained first: the host must have seen all of the command's output.
 * The host only gets 7 bits through the exit code: it takes the full status
 * from the console's end marker and checks the two agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <termios.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	unsigned int status;

	if (argc != 2) {
		fprintf(stderr, "usage: debug_exit STATUS\n");
		return 2;
	}
	status = strtoul(argv[1], NULL, 0) & 0x7f;
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
	tcdrain(STDERR_FILENO);
	if (ioperm(DEBUG_EXIT_PORT, 4, 1)) {
		perror("debug_exit: ioperm");
		return 1;
	}
	outl(status, DEBUG_EXIT_PORT);
	/* Only reached without the device: the caller powers off instead. */
	fprintf(stderr, "debug_exit: no isa-debug-exit device at 0x%x\n",
		DEBUG_EXIT_PORT);
	return 1;
}
