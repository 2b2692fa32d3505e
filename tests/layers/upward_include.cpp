// Compiled with the include path of members/ by Layers.UpwardIncludeRefused, which passes
// only when this file fails to compile for want of the header below: turnout/ sits above
// members/ (tests/layers/CMakeLists.txt), so no file of members/ may see it.
#include "turnout/targeting.h"
