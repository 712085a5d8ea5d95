#ifndef CRDKAFKA_SHIM_H
#define CRDKAFKA_SHIM_H
// The mock cluster header must follow rdkafka.h; both come from Debian's librdkafka-dev.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#endif
