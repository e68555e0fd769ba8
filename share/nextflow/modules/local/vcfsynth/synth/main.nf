process VCFSYNTH_SYNTH {
    tag "$meta.id"
    label 'process_single'

    // vcfsynth is built from source (make install); no conda or container here
    input:
    tuple val(meta), path(panel), path(index), path(model), val(region)   // region: "chr:beg-end", or "" for all

    output:
    tuple val(meta), path("*.bcf"), emit: bcf
    path "versions.yml", emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''                    // -n, --seed, --mix, --privacy ...
    def prefix = task.ext.prefix ?: (region ? "${meta.id}.${region.replaceAll(/[:-]/, '_')}" : "${meta.id}")
    def region_opt = region ? "-r ${region}" : ''
    """
    vcf-synth -m ${model} ${panel} ${region_opt} ${args} --no-version --threads ${task.cpus} -Ob -o ${prefix}.bcf

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        vcfsynth: \$(vcf-synth --version | sed -n '1s/.* //p')
        htslib: \$(vcf-synth --version | sed -n '2s/Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.bcf
    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        vcfsynth: \$(vcf-synth --version | sed -n '1s/.* //p')
        htslib: \$(vcf-synth --version | sed -n '2s/Using htslib //p')
    END_VERSIONS
    """
}
