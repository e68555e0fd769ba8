process VCFSYNTH_FIDELITY {
    tag "$meta.id"
    label 'process_medium'

    // vcfsynth is built from source (make install); no conda or container here
    input:
    tuple val(meta), path(synthetic), path(train), path(holdout)
    path groups     // or []
    path map        // or []

    output:
    tuple val(meta), path("*.fidelity.tsv"), emit: tsv
    tuple val(meta), path("*.fidelity.json"), emit: json
    tuple val(meta), path("*.fidelity.html"), emit: html
    path "versions.yml", emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def groups_opt = groups ? "-g ${groups}" : ''
    def map_opt = map ? "--map ${map}" : ''
    """
    vcf-fidelity ${synthetic} --train ${train} --holdout ${holdout} ${groups_opt} ${map_opt} ${args} \\
        --threads ${task.cpus} --json ${prefix}.fidelity.json --html ${prefix}.fidelity.html -o ${prefix}.fidelity.tsv

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        vcfsynth: \$(vcf-fidelity --version | sed -n '1s/.* //p')
        htslib: \$(vcf-fidelity --version | sed -n '2s/Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.fidelity.tsv ${prefix}.fidelity.json ${prefix}.fidelity.html
    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        vcfsynth: \$(vcf-fidelity --version | sed -n '1s/.* //p')
        htslib: \$(vcf-fidelity --version | sed -n '2s/Using htslib //p')
    END_VERSIONS
    """
}
