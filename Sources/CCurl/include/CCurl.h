#ifndef CCURL_H
#define CCURL_H
#include <curl/curl.h>

// Typed, non-variadic wrappers: Swift cannot call curl's variadic setopt/getinfo functions.
CURLcode CCurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode CCurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode CCurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode CCurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode CCurl_easy_setopt_write_function(CURL *handle, CURLoption option,
                                          size_t (*fn)(char *, size_t, size_t, void *));
CURLcode CCurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode CCurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLMcode CCurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);
#endif
