/* httpget.c - one HTTP/1.1 GET from a guest, printed so a test can check it.
 *
 *   httpget ADDRESS[:PORT] PATH
 *
 * Connects (PORT 80 by default), asks for PATH with "Connection: close", reads the response
 * and prints its status line and "body N bytes sha256 HEX" (the body as Content-Length says,
 * or up to the close). Exit status 0 for a 2xx answer, 1 for another answer, 2 when there was
 * none (cannot connect, reset, malformed, or 10 s of system time without a byte).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sha256.h"

static char head[8192];

int main(int argc, char **argv)
{
	int first = argc > 1 && !strcmp(argv[1], "httpget") ? 2 : 1;
	if (argc - first != 2) {
		printf("usage: httpget ADDRESS[:PORT] PATH\n");
		return 2;
	}
	char host[32];
	const char *target = argv[first], *path = argv[first + 1], *colon = strchr(target, ':');
	size_t hl = colon ? (size_t)(colon - target) : strlen(target);
	if (hl >= sizeof(host)) {
		printf("httpget: %s: not an address\n", target);
		return 2;
	}
	memcpy(host, target, hl);
	host[hl] = 0;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(colon ? (uint16_t)atoi(colon + 1) : 80) };
	if (!inet_aton(host, &to.sin_addr)) {
		printf("httpget: %s: not an IPv4 address\n", host);
		return 2;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct timeval patience = { 10, 0 }; /* a server that stops answering fails the fetch */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof(patience));
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		printf("httpget: cannot connect to %s: errno %d\n", target, errno);
		return 2;
	}
	char req[512];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
	for (int off = 0; off < n;) {
		ssize_t k = send(fd, req + off, (size_t)(n - off), 0);
		if (k < 0) {
			printf("httpget: send: errno %d\n", errno);
			return 2;
		}
		off += (int)k;
	}
	/* The head, through its blank line; what came after it starts the body. */
	size_t got = 0, head_len = 0;
	while (!head_len) {
		if (got == sizeof(head)) {
			printf("httpget: a response head over %zu bytes\n", sizeof(head));
			return 2;
		}
		ssize_t k = recv(fd, head + got, sizeof(head) - got, 0);
		if (k <= 0) {
			printf("httpget: the connection ended before the response's head (errno %d)\n", k ? errno : 0);
			return 2;
		}
		got += (size_t)k;
		for (size_t i = 0; i + 3 < got && !head_len; i++)
			if (!memcmp(head + i, "\r\n\r\n", 4))
				head_len = i + 4;
	}
	int status = 0;
	if (strncmp(head, "HTTP/1.", 7) || head[8] != ' ' || (status = atoi(head + 9)) < 100 || status > 599) {
		printf("httpget: not an HTTP response\n");
		return 2;
	}
	const char *eol = strstr(head, "\r\n");
	printf("%.*s\n", (int)(eol - head), head);
	long length = -1;
	for (const char *h = eol + 2; h < head + head_len - 2; h = strstr(h, "\r\n") + 2)
		if (!strncasecmp(h, "Content-Length:", 15))
			length = strtol(h + 15, NULL, 10);
	struct sha256 s;
	sha256_init(&s);
	size_t body = got - head_len;
	sha256_update(&s, head + head_len, body);
	static char buf[16384];
	while (length < 0 || (long)body < length) {
		size_t want = length < 0 || length - (long)body > (long)sizeof(buf) ? sizeof(buf) : (size_t)(length - (long)body);
		ssize_t k = recv(fd, buf, want, 0);
		if (k < 0) {
			printf("httpget: recv: errno %d after %zu bytes\n", errno, body);
			return 2;
		}
		if (k == 0)
			break;
		sha256_update(&s, buf, (size_t)k);
		body += (size_t)k;
	}
	close(fd);
	if (length >= 0 && (long)body != length) {
		printf("httpget: the body ended after %zu of %ld bytes\n", body, length);
		return 2;
	}
	char hex[65];
	sha256_hex(&s, hex);
	printf("body %zu bytes sha256 %s\n", body, hex);
	return status >= 200 && status < 300 ? 0 : 1;
}
