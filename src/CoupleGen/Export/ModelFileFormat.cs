namespace CoupleGen.Export;

/// <summary>The file a <see cref="GeneratorExport"/> writes.</summary>
public enum ModelFileFormat
{
    /// <summary>
    /// CoupleGen's generator-only model file: the checkpoint's zip layout with its manifest (options, recipe, step)
    /// and the generator's safetensors only, no code. <c>PartnerGenerator.FromCheckpoint</c> loads it like a
    /// checkpoint; training cannot resume from it.
    /// </summary>
    CoupleGen,

    /// <summary>ONNX (opset 13) for ONNX Runtime or any ONNX server; pix2pix U-Nets only (the pix2pix and partner recipes).</summary>
    Onnx,

    /// <summary>
    /// PyTorch's zip format with pix2pix's state-dict keys, for <c>torch.load</c> and <c>load_state_dict</c>; pix2pix
    /// U-Nets only. It holds no options: the reader infers the network from the weights.
    /// </summary>
    PyTorch,
}
