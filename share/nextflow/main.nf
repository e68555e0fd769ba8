#!/usr/bin/env nextflow
/*
 * vcfsynth scatter-gather in Nextflow DSL2, with the nf-core-style modules
 * of modules/local/vcfsynth: fit once, synthesise region chunks in
 * parallel, gather them with bcftools concat (the records equal one whole
 * vcf-synth run), index, and judge the cohort with vcf-linkage-attack and
 * vcf-fidelity.
 *
 *   nextflow run share/nextflow/main.nf --train train.bcf --holdout holdout.bcf \
 *       --groups 1kg_panel.tsv --map maps --n 2000
 *
 * Nextflow is not packaged for Debian: make check does not run this file;
 * test/workflow.bats checks it statically (balanced brackets, every module
 * with a meta.yml and a versions output).
 */
nextflow.enable.dsl = 2

include { VCFSYNTH_FIT      } from './modules/local/vcfsynth/fit/main'
include { VCFSYNTH_SYNTH    } from './modules/local/vcfsynth/synth/main'
include { VCFSYNTH_ATTACK   } from './modules/local/vcfsynth/attack/main'
include { VCFSYNTH_FIDELITY } from './modules/local/vcfsynth/fidelity/main'

// a new chunk every params.chunk_sites records (records sharing a position
// stay together) and at every contig; a chunk ends just before the next one
process CHUNKS {
    tag "$meta.id"
    label 'process_single'

    input:
    tuple val(meta), path(panel), path(index)

    output:
    path "chunks.tsv", emit: tsv

    script:
    """
    bcftools query -f '%CHROM\\t%POS\\n' ${panel} |
        awk -F'\\t' -v n=${params.chunk_sites} '
            \$1 != c || (k >= n && \$2 != p) {
                if (c != "") print i++ "\\t" c ":" b "-" (\$1 == c ? \$2 - 1 : 2147483647)
                c = \$1; b = \$2; k = 0
            }
            { p = \$2; k++ }
            END { if (c != "") print i "\\t" c ":" b "-2147483647" }' > chunks.tsv
    """
}

process CONCAT {
    tag "$meta.id"
    label 'process_low'

    input:
    tuple val(meta), path(chunks)

    output:
    tuple val(meta), path("${meta.id}.bcf"), path("${meta.id}.bcf.csi"), emit: bcf

    script:
    """
    bcftools concat --no-version --threads ${task.cpus} ${chunks.join(' ')} -Ob -o ${meta.id}.bcf
    bcftools index ${meta.id}.bcf
    """
}

workflow {
    def meta = [ id: params.id ]
    def panel = Channel.value([ meta, file(params.train, checkIfExists: true), file("${params.train}.csi", checkIfExists: true) ])
    def groups = params.groups ? file(params.groups, checkIfExists: true) : []
    def map = params.map ? file(params.map, checkIfExists: true) : []

    VCFSYNTH_FIT(panel, groups, map)
    CHUNKS(panel)

    def regions = CHUNKS.out.tsv.splitCsv(sep: '\t').map { row -> [ row[0] as int, row[1] ] }
    def synth_in = regions
        .combine(VCFSYNTH_FIT.out.model)
        .map { i, region, m, model -> [ m + [ chunk: i ], file(params.train), file("${params.train}.csi"), model, region ] }
    VCFSYNTH_SYNTH(synth_in)

    // gathered in chunk order, whatever order the chunks finished in
    def gathered = VCFSYNTH_SYNTH.out.bcf
        .map { m, bcf -> [ m.chunk, bcf ] }
        .toSortedList { a, b -> a[0] <=> b[0] }
        .map { list -> [ meta, list.collect { it[1] } ] }
    CONCAT(gathered)

    def judged = CONCAT.out.bcf.map { m, bcf, csi -> [ m, bcf, file(params.train), file(params.holdout, checkIfExists: true) ] }
    VCFSYNTH_ATTACK(judged, groups, map)
    VCFSYNTH_FIDELITY(judged, groups, map)

    VCFSYNTH_FIT.out.versions
        .mix(VCFSYNTH_SYNTH.out.versions.first(), VCFSYNTH_ATTACK.out.versions, VCFSYNTH_FIDELITY.out.versions)
        .collectFile(name: 'versions.yml', storeDir: params.outdir)
}
