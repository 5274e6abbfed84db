/*
 * version.h - racelab's version, written into every packed submission's
 * manifest (pack.h) so a grader can tell which kit a student packed with.
 * Raised by hand when a release changes what students or graders see.
 */
#ifndef RL_VERSION_H
#define RL_VERSION_H

#define RACELAB_VERSION "1.0.0"

#endif
