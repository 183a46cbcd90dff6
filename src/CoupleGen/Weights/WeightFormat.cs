namespace CoupleGen.Weights;

/// <summary>The weight file formats CoupleGen reads (see docs/weights.md).</summary>
public enum WeightFormat
{
    /// <summary>Detect from the file's first bytes (and extension where bytes are ambiguous).</summary>
    Auto,

    /// <summary>safetensors (read and write).</summary>
    SafeTensors,

    /// <summary>PyTorch <c>torch.save</c> zip format (PyTorch 1.6+); <c>.pth</c>/<c>.pt</c>.</summary>
    PyTorchZip,

    /// <summary>PyTorch's legacy pre-1.6 <c>torch.save</c> format (e.g. torchvision's VGG files).</summary>
    PyTorchLegacy,

    /// <summary>NumPy <c>.npy</c>, including pickled dicts such as tensorflow-vgg's <c>vgg16.npy</c>.</summary>
    NumPy,

    /// <summary>ONNX model initializers (<c>.onnx</c>).</summary>
    Onnx,

    /// <summary>TorchSharp's <c>Module.save</c> format (<c>.dat</c>).</summary>
    TorchSharp,

    /// <summary>A CoupleGen training checkpoint; its generator's weights are read.</summary>
    CoupleGenCheckpoint,
}
