* included from a section of corners.lib, so resolved relative to lib/
.model dcommon d is=1e-14
