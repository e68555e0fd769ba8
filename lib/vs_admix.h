/* vs_admix: admixed groups of vcf-synth (DESIGN.md section 5.3).
 *
 * --admix NAME=G1:p1,G2:p2[,gen=T] defines a group whose haplotypes are
 * mosaics of tracts of the source groups G1, G2, ... (a single admixture
 * pulse T generations ago): along the genetic map of each contig, tract
 * boundaries are the points of a Poisson process of rate T per Morgan, and
 * each tract's group is drawn afresh with the proportions p (so two adjacent
 * tracts may share a group: they descend from different founders).  Within a
 * tract the haplotype copies that group's panel, the copying restarted at
 * the tract's start.
 *
 * A haplotype's tracts on a contig are a pure function of (seed, haplotype,
 * contig), drawn from the contig's first model site on, so -r runs and any
 * --threads give the same tracts. */
#ifndef VS_ADMIX_H
#define VS_ADMIX_H

#include <stdint.h>
#include "vs_err.h"
#include "vs_model.h"

#define VS_ADMIX_GEN_DEFAULT 10.0

typedef struct {
    char *name;
    int n;             /* source groups mixed */
    int *group;        /* model group of each */
    double *share;     /* their proportions, summing to 1 */
    double gen;        /* generations since the pulse: tract boundaries per Morgan */
} vs_admix_t;

/* Parses one --admix value: 0, or -1 with a usage error in e (a left empty). */
int vs_admix_parse(const vs_model_t *m, const char *spec, vs_admix_t *a, vs_error_t *e);
void vs_admix_free(vs_admix_t *a);
/* Checks a set of definitions: names unique and unlike the model's groups. */
int vs_admix_check(const vs_model_t *m, const vs_admix_t *a, int n, vs_error_t *e);
/* "AFR:0.8;EUR:0.2" (allocated), for headers. */
char *vs_admix_describe(const vs_model_t *m, const vs_admix_t *a);

/* The groups a synthetic sample is drawn from: model groups 0..G-1, then
 * admixed groups G.. in --admix order. */
typedef struct {
    const vs_model_t *m;
    const vs_admix_t *admix;
    int n_admix;
} vs_groupset_t;

int vs_groupset_size(const vs_groupset_t *gs);
const char *vs_groupset_name(const vs_groupset_t *gs, int sample_group);
/* The model group a haplotype of sample_group copies before its first tract. */
int vs_groupset_first(const vs_groupset_t *gs, int sample_group);
/* 1 when a sample of sample_group may copy model group gi. */
int vs_groupset_uses(const vs_groupset_t *gs, int sample_group, int gi);

/* Local ancestry of the admixed haplotypes along the stream of sites. */
typedef struct vs_ancestry_t vs_ancestry_t;

vs_ancestry_t *vs_ancestry_new(const vs_groupset_t *gs, const int *group_of_sample, int n_samples, uint64_t seed);
/* Moves every admixed haplotype to genetic position x (Morgans) of model
 * contig `contig`; returns how many entered a new tract here, listed in
 * *changed (haplotype indices, ascending). */
int vs_ancestry_site(vs_ancestry_t *a, int contig, double x, const int **changed);
/* Model group of haplotype h's current tract (its own group when not admixed). */
int vs_ancestry_group(const vs_ancestry_t *a, int h);
/* Where h's current tract starts (Morgans; -INFINITY when not admixed), and
 * a key that tells its tracts apart. */
double vs_ancestry_tract_start(const vs_ancestry_t *a, int h);
uint64_t vs_ancestry_tract_key(const vs_ancestry_t *a, int h);
/* Which tract of its contig h is in (0 for the first). */
int32_t vs_ancestry_tract_index(const vs_ancestry_t *a, int h);
/* The admixed haplotypes, ascending. */
int vs_ancestry_haplotypes(const vs_ancestry_t *a, const int **haps);
void vs_ancestry_destroy(vs_ancestry_t *a);

#endif
