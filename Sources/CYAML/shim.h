// Umbrella header for libyaml, whose event parser reads the services file (YAML and JSON).
#ifndef SWARMLB_CYAML_H
#define SWARMLB_CYAML_H

#include <yaml.h>

#endif
