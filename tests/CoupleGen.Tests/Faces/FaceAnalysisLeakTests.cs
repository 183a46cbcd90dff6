using CoupleGen.Faces;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Faces;

[Trait("Category", "Unit")]
public class FaceAnalysisLeakTests
{
    [Fact]
    public void RepeatedEstimatesAndEmbeddingsLeaveNoLiveTensors()
    {
        using var estimator = new FaceAttributeEstimator(new FaceAnalysisOptions { Device = CPU });
        using var embedder = new FaceEmbedder(new FaceAnalysisOptions { Device = CPU });
        using var face = FaceImages.Framed(FaceImages.Astronaut);
        estimator.Estimate(face);
        embedder.Embed(face);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++)
        {
            estimator.Estimate(face);
            estimator.Estimate(new[] { face, face });
            embedder.Embed(face);
            embedder.Embed(new[] { face, face });
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
