#pragma once

// Why ngspice's background thread was halted: none (it ended by itself), a pause that
// bg_resume continues, or a stop that ends the run. A plain value, used on any thread.
enum class HaltReason { None = 0, Pause = 1, Stop = 2 };
