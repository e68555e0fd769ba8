process VCFSYNTH_FIT {
    tag "$meta.id"
    label 'process_medium'

    // vcfsynth is built from source (make install); no conda or container here
    input:
    tuple val(meta), path(panel), path(index)
    path groups     // sample-to-group table, or [] for one group
    path map        // genetic map file or directory of per-contig maps, or []

    output:
    tuple val(meta), path("*.model.json"), emit: model
    tuple val(meta), path("*.source.tsv"), emit: report
    path "versions.yml", emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def groups_opt = groups ? "-g ${groups}" : ''
    def map_opt = map ? "--map ${map}" : ''
    """
    vcf-fit ${panel} ${groups_opt} ${map_opt} ${args} --no-version --threads ${task.cpus} \\
        --report ${prefix}.source.tsv -o ${prefix}.model.json

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        vcfsynth: \$(vcf-fit --version | sed -n '1s/.* //p')
        htslib: \$(vcf-fit --version | sed -n '2s/Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.model.json ${prefix}.source.tsv
    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        vcfsynth: \$(vcf-fit --version | sed -n '1s/.* //p')
        htslib: \$(vcf-fit --version | sed -n '2s/Using htslib //p')
    END_VERSIONS
    """
}
