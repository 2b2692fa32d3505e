// Compiled with the include path of members/ by Layers.DownwardIncludeBuilds: a header of
// members/ itself and of each folder below it that members/ uses (redis/, log/, util/) are
// found, so Layers.UpwardIncludeRefused fails for the layering alone.
#include "log/log.h"
#include "members/phone.h"
#include "redis/client.h"
#include "util/result.h"
