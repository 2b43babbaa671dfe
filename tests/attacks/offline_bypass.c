/* Ways around a seccomp filter that looks only at the native socket(2) call.
 *
 * Usage: offline_bypass MODE PORT, MODE one of int80, socketcall, io_uring.
 * Each mode makes a TCP socket its own way, then connects it to 127.0.0.1:PORT with the
 * ordinary connect(2). Prints one line: "connected", or "refused <step> <errno>".
 * Built by tests/attacks/test_offline.py (gcc -O1 -static when it can).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int refused(const char *step, long err) {
    printf("refused %s %ld\n", step, err);
    return 0;
}

#if defined(__x86_64__)
/* A call through the i386 ABI: eax = number, ebx/ecx/edx = arguments. */
static long int80(long nr, long a, long b, long c) {
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

static long i386_socket(void) { return int80(359, AF_INET, SOCK_STREAM, 0); }

static long i386_socketcall(void) {
    /* socketcall(SYS_SOCKET, args): args must lie below 4 GiB for the i386 ABI */
    uint32_t *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (args == MAP_FAILED) return -errno;
    args[0] = AF_INET;
    args[1] = SOCK_STREAM;
    args[2] = 0;
    return int80(102, 1, (long)(uintptr_t)args, 0);
}
#else
static long i386_socket(void) { return -ENOSYS; }
static long i386_socketcall(void) { return -ENOSYS; }
#endif

static long uring_socket(void) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    long ring = syscall(__NR_io_uring_setup, 4, &p);
    if (ring < 0) return -1000 - errno; /* io_uring_setup itself refused */
    size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(uint32_t);
    size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
                    IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
                    IORING_OFF_CQ_RING);
    struct io_uring_sqe *sqes =
        mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) return -errno;
    struct io_uring_sqe *sqe = &sqes[0];
    memset(sqe, 0, sizeof *sqe);
    sqe->opcode = 45; /* IORING_OP_SOCKET, kernel 5.19 */
    sqe->fd = AF_INET;
    sqe->off = SOCK_STREAM;
    sqe->len = 0;
    uint32_t *tail = (uint32_t *)(sq + p.sq_off.tail);
    uint32_t *mask = (uint32_t *)(sq + p.sq_off.ring_mask);
    uint32_t *array = (uint32_t *)(sq + p.sq_off.array);
    array[*tail & *mask] = 0;
    __atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
    if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
        return -2000 - errno; /* io_uring_enter refused */
    uint32_t *head = (uint32_t *)(cq + p.cq_off.head);
    struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    uint32_t *cmask = (uint32_t *)(cq + p.cq_off.ring_mask);
    long res = cqes[*head & *cmask].res;
    __atomic_store_n(head, *head + 1, __ATOMIC_RELEASE);
    return res;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s int80|socketcall|io_uring PORT\n", argv[0]);
        return 2;
    }
    long fd;
    if (strcmp(argv[1], "int80") == 0)
        fd = i386_socket();
    else if (strcmp(argv[1], "socketcall") == 0)
        fd = i386_socketcall();
    else if (strcmp(argv[1], "io_uring") == 0)
        fd = uring_socket();
    else
        return 2;
    if (fd <= -2000) return refused("io_uring_enter", -(fd + 2000));
    if (fd <= -1000) return refused("io_uring_setup", -(fd + 1000));
    if (fd < 0) return refused("socket", -fd);
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)atoi(argv[2]));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect((int)fd, (struct sockaddr *)&to, sizeof to) != 0)
        return refused("connect", errno);
    printf("connected\n");
    return 0;
}
