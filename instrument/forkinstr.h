/* forkinstr.h - forksize's own fork instrumentation (being written). */
#ifndef FS_FORKINSTR_H
#define FS_FORKINSTR_H

#include "closure.h"

#endif
