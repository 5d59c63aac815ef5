// Planted violation: core may not use threads.
#pragma once
#include <string>
#include <thread>
