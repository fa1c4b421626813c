/*
 * mhd_hello: the floor under casework's HTTP figures. A bare libmicrohttpd
 * server (epoll, a pool of 2 threads, as in STACK.md section 5 anchor b) that
 * answers every request with the same 1024-byte JSON body from memory (one
 * shared persistent response). bench/run.sh builds and runs it beside
 * casework so both are measured on the same machine in the same run.
 *
 *   mhd_hello PORT
 *
 * It queues its response on the second call of the access handler: queued on
 * the first, libmicrohttpd 0.9.75 answers "Connection: close" and keep-alive
 * is lost (STACK.md, gotcha 1). Runs until SIGINT or SIGTERM.
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct MHD_Response *response;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload;
    static int first_call_marker;
    if (*con_cls == NULL) {
        *con_cls = &first_call_marker;
        return MHD_YES;
    }
    *upload_size = 0;
    return MHD_queue_response(c, MHD_HTTP_OK, response);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mhd_hello PORT\n");
        return 2;
    }
    char *end;
    long port = strtol(argv[1], &end, 10);
    if (*end || port < 1 || port > 65535) {
        fprintf(stderr, "mhd_hello: PORT must be 1-65535\n");
        return 2;
    }
    static char body[1025];
    memset(body, ' ', 1024);
    memcpy(body, "{\"status\":\"ok\",\"padding\":\"", 26);
    memcpy(body + 1024 - 3, "\"}\n", 3);
    response = MHD_create_response_from_buffer(1024, body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(response, "Content-Type", "application/json");
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)port, NULL,
                         NULL, on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)2,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "mhd_hello: cannot listen on port %ld\n", port);
        return 1;
    }
    printf("mhd_hello listening on %ld\n", port);
    fflush(stdout);
    int sig;
    sigwait(&sigs, &sig);
    MHD_stop_daemon(d);
    MHD_destroy_response(response);
    return 0;
}
