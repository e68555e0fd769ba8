process VCFSYNTH_ATTACK {
    tag "$meta.id"
    label 'process_medium'

    // vcfsynth is built from source (make install); no conda or container here
    input:
    tuple val(meta), path(synthetic), path(train), path(holdout)
    path groups     // or []
    path map        // or []

    output:
    tuple val(meta), path("*.risk.tsv"), emit: tsv
    tuple val(meta), path("*.risk.json"), emit: json
    path "versions.yml", emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def groups_opt = groups ? "-g ${groups}" : ''
    def map_opt = map ? "--map ${map}" : ''
    """
    vcf-linkage-attack ${synthetic} --train ${train} --holdout ${holdout} ${groups_opt} ${map_opt} ${args} \\
        --threads ${task.cpus} --json ${prefix}.risk.json -o ${prefix}.risk.tsv

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        vcfsynth: \$(vcf-linkage-attack --version | sed -n '1s/.* //p')
        htslib: \$(vcf-linkage-attack --version | sed -n '2s/Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.risk.tsv ${prefix}.risk.json
    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        vcfsynth: \$(vcf-linkage-attack --version | sed -n '1s/.* //p')
        htslib: \$(vcf-linkage-attack --version | sed -n '2s/Using htslib //p')
    END_VERSIONS
    """
}
