#ifndef CCURL_H
#define CCURL_H
#include <curl/curl.h>

// Typed, non-variadic wrappers: Swift cannot call curl's variadic setopt/getinfo functions.
CURLcode CCurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode CCurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode CCurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode CCurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
// Used for both CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION: they share this signature.
CURLcode CCurl_easy_setopt_write_function(CURL *handle, CURLoption option,
                                          size_t (*fn)(char *, size_t, size_t, void *));
CURLcode CCurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode CCurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLMcode CCurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

// curl_global_init must run once per process and (before 7.84) not concurrently with any
// other curl call; pthread_once gives that guarantee no matter how many clients are created.
// Returns the result of the single curl_global_init(CURL_GLOBAL_DEFAULT) call.
CURLcode CCurl_global_init_once(void);

// Names the calling thread (visible in top -H, gdb, crash reports). pthread_setname_np is a
// GNU extension that Swift's Glibc module does not expose, hence this shim. On Linux names
// over 15 bytes are rejected with ERANGE rather than truncated.
int CCurl_set_current_thread_name(const char *name);
#endif
