process VCFSYNTH_HYBRID {
    tag "$meta.id"
    label 'process_single'

    // vcfsynth is built from source (make install); no conda or container here
    input:
    tuple val(meta), path(real), path(synthetic)
    val mode        // augment, mix or replace
    path groups     // or []

    output:
    tuple val(meta), path("*.hybrid.bcf"), emit: bcf
    tuple val(meta), path("*.key.tsv"), emit: key, optional: true
    path "versions.yml", emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''                    // --target, --fraction, -R, --key ...
    def prefix = task.ext.prefix ?: "${meta.id}"
    def groups_opt = groups ? "-g ${groups}" : ''
    """
    vcf-hybrid ${mode} ${real} ${synthetic} ${groups_opt} ${args} --no-version --threads ${task.cpus} \\
        -Ob -o ${prefix}.hybrid.bcf

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        vcfsynth: \$(vcf-hybrid --version | sed -n '1s/.* //p')
        htslib: \$(vcf-hybrid --version | sed -n '2s/Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.hybrid.bcf
    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        vcfsynth: \$(vcf-hybrid --version | sed -n '1s/.* //p')
        htslib: \$(vcf-hybrid --version | sed -n '2s/Using htslib //p')
    END_VERSIONS
    """
}
