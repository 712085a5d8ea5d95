#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE  // for pthread_setname_np
#endif
#include "CCurl.h"
#include <pthread.h>

CURLcode CCurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
CURLcode CCurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
CURLcode CCurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
CURLcode CCurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
CURLcode CCurl_easy_setopt_write_function(CURL *handle, CURLoption option,
                                          size_t (*fn)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(handle, option, fn);
}
CURLcode CCurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
CURLcode CCurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}
CURLMcode CCurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

static pthread_once_t CCurl_global_once = PTHREAD_ONCE_INIT;
static CURLcode CCurl_global_result = CURLE_FAILED_INIT;

static void CCurl_global_init_body(void) {
    CCurl_global_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

CURLcode CCurl_global_init_once(void) {
    pthread_once(&CCurl_global_once, CCurl_global_init_body);
    return CCurl_global_result;
}

int CCurl_set_current_thread_name(const char *name) {
#if defined(__APPLE__)
    return pthread_setname_np(name);
#else
    return pthread_setname_np(pthread_self(), name);
#endif
}
