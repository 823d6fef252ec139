using System.Numerics;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace GpuCompute.MathNetProvider;

// The members that MathNet's managed provider keeps (complex types, factorizations, SVD, eigen-decomposition, and the
// array operations the engine does not speed up): forwarded as they are, by composition (ManagedLinearAlgebraProvider
// is sealed). Which member runs where is listed in the README.
public sealed partial class GpuComputeLinearAlgebraProvider
{
    // float
    /// <inheritdoc/>
    public void AddVectorToScaledVector(float[] y, float alpha, float[] x, float[] result) => managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc/>
    public void ScaleArray(float alpha, float[] x, float[] result) => managed.ScaleArray(alpha, x, result);

    /// <inheritdoc/>
    public void ConjugateArray(float[] x, float[] result) => managed.ConjugateArray(x, result);

    /// <inheritdoc/>
    public void PointWiseDivideArrays(float[] x, float[] y, float[] result) => managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWisePowerArrays(float[] x, float[] y, float[] result) => managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc/>
    public void LUFactor(float[] data, int order, int[] ipiv) => managed.LUFactor(data, order, ipiv);

    /// <inheritdoc/>
    public void LUInverse(float[] a, int order) => managed.LUInverse(a, order);

    /// <inheritdoc/>
    public void LUInverseFactored(float[] a, int order, int[] ipiv) => managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, float[] a, int order, float[] b) => managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, float[] a, int order, int[] ipiv, float[] b) => managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc/>
    public void CholeskyFactor(float[] a, int order) => managed.CholeskyFactor(a, order);

    /// <inheritdoc/>
    public void CholeskySolve(float[] a, int orderA, float[] b, int columnsB) => managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void CholeskySolveFactored(float[] a, int orderA, float[] b, int columnsB) => managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void QRFactor(float[] a, int rowsA, int columnsA, float[] q, float[] tau) => managed.QRFactor(a, rowsA, columnsA, q, tau);

    /// <inheritdoc/>
    public void ThinQRFactor(float[] a, int rowsA, int columnsA, float[] r, float[] tau) => managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc/>
    public void QRSolve(float[] a, int rows, int columns, float[] b, int columnsB, float[] x, QRMethod method) => managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc/>
    public void QRSolveFactored(float[] q, float[] r, int rowsA, int columnsA, float[] tau, float[] b, int columnsB, float[] x, QRMethod method) => managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, float[] a, int rowsA, int columnsA, float[] s, float[] u, float[] vt) => managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc/>
    public void SvdSolve(float[] a, int rowsA, int columnsA, float[] b, int columnsB, float[] x) => managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, float[] s, float[] u, float[] vt, float[] b, int columnsB, float[] x) => managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, float[] matrix, float[] matrixEv, Complex[] vectorEv, float[] matrixD) => managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // double
    /// <inheritdoc/>
    public void AddVectorToScaledVector(double[] y, double alpha, double[] x, double[] result) => managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc/>
    public void ScaleArray(double alpha, double[] x, double[] result) => managed.ScaleArray(alpha, x, result);

    /// <inheritdoc/>
    public void ConjugateArray(double[] x, double[] result) => managed.ConjugateArray(x, result);

    /// <inheritdoc/>
    public void PointWiseDivideArrays(double[] x, double[] y, double[] result) => managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWisePowerArrays(double[] x, double[] y, double[] result) => managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc/>
    public void LUFactor(double[] data, int order, int[] ipiv) => managed.LUFactor(data, order, ipiv);

    /// <inheritdoc/>
    public void LUInverse(double[] a, int order) => managed.LUInverse(a, order);

    /// <inheritdoc/>
    public void LUInverseFactored(double[] a, int order, int[] ipiv) => managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, double[] a, int order, double[] b) => managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, double[] a, int order, int[] ipiv, double[] b) => managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc/>
    public void CholeskyFactor(double[] a, int order) => managed.CholeskyFactor(a, order);

    /// <inheritdoc/>
    public void CholeskySolve(double[] a, int orderA, double[] b, int columnsB) => managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void CholeskySolveFactored(double[] a, int orderA, double[] b, int columnsB) => managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void QRFactor(double[] a, int rowsA, int columnsA, double[] q, double[] tau) => managed.QRFactor(a, rowsA, columnsA, q, tau);

    /// <inheritdoc/>
    public void ThinQRFactor(double[] a, int rowsA, int columnsA, double[] r, double[] tau) => managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc/>
    public void QRSolve(double[] a, int rows, int columns, double[] b, int columnsB, double[] x, QRMethod method) => managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc/>
    public void QRSolveFactored(double[] q, double[] r, int rowsA, int columnsA, double[] tau, double[] b, int columnsB, double[] x, QRMethod method) => managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, double[] a, int rowsA, int columnsA, double[] s, double[] u, double[] vt) => managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc/>
    public void SvdSolve(double[] a, int rowsA, int columnsA, double[] b, int columnsB, double[] x) => managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, double[] s, double[] u, double[] vt, double[] b, int columnsB, double[] x) => managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, double[] matrix, double[] matrixEv, Complex[] vectorEv, double[] matrixD) => managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // Complex

    /// <inheritdoc/>
    public void AddVectorToScaledVector(Complex[] y, Complex alpha, Complex[] x, Complex[] result) => managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc/>
    public void ScaleArray(Complex alpha, Complex[] x, Complex[] result) => managed.ScaleArray(alpha, x, result);

    /// <inheritdoc/>
    public void ConjugateArray(Complex[] x, Complex[] result) => managed.ConjugateArray(x, result);

    /// <inheritdoc/>
    public Complex DotProduct(Complex[] x, Complex[] y) => managed.DotProduct(x, y);

    /// <inheritdoc/>
    public void AddArrays(Complex[] x, Complex[] y, Complex[] result) => managed.AddArrays(x, y, result);

    /// <inheritdoc/>
    public void SubtractArrays(Complex[] x, Complex[] y, Complex[] result) => managed.SubtractArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(Complex[] x, Complex[] y, Complex[] result) => managed.PointWiseMultiplyArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseDivideArrays(Complex[] x, Complex[] y, Complex[] result) => managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWisePowerArrays(Complex[] x, Complex[] y, Complex[] result) => managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc/>
    public double MatrixNorm(Norm norm, int rows, int columns, Complex[] matrix) => managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc/>
    public void MatrixMultiply(Complex[] x, int rowsX, int columnsX, Complex[] y, int rowsY, int columnsY, Complex[] result) => managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);

    /// <inheritdoc/>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, Complex alpha, Complex[] a, int rowsA, int columnsA, Complex[] b, int rowsB, int columnsB, Complex beta, Complex[] c) => managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    /// <inheritdoc/>
    public void LUFactor(Complex[] data, int order, int[] ipiv) => managed.LUFactor(data, order, ipiv);

    /// <inheritdoc/>
    public void LUInverse(Complex[] a, int order) => managed.LUInverse(a, order);

    /// <inheritdoc/>
    public void LUInverseFactored(Complex[] a, int order, int[] ipiv) => managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, Complex[] a, int order, Complex[] b) => managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, Complex[] a, int order, int[] ipiv, Complex[] b) => managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc/>
    public void CholeskyFactor(Complex[] a, int order) => managed.CholeskyFactor(a, order);

    /// <inheritdoc/>
    public void CholeskySolve(Complex[] a, int orderA, Complex[] b, int columnsB) => managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void CholeskySolveFactored(Complex[] a, int orderA, Complex[] b, int columnsB) => managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void QRFactor(Complex[] a, int rowsA, int columnsA, Complex[] q, Complex[] tau) => managed.QRFactor(a, rowsA, columnsA, q, tau);

    /// <inheritdoc/>
    public void ThinQRFactor(Complex[] a, int rowsA, int columnsA, Complex[] r, Complex[] tau) => managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc/>
    public void QRSolve(Complex[] a, int rows, int columns, Complex[] b, int columnsB, Complex[] x, QRMethod method) => managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc/>
    public void QRSolveFactored(Complex[] q, Complex[] r, int rowsA, int columnsA, Complex[] tau, Complex[] b, int columnsB, Complex[] x, QRMethod method) => managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, Complex[] a, int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt) => managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc/>
    public void SvdSolve(Complex[] a, int rowsA, int columnsA, Complex[] b, int columnsB, Complex[] x) => managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt, Complex[] b, int columnsB, Complex[] x) => managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, Complex[] matrix, Complex[] matrixEv, Complex[] vectorEv, Complex[] matrixD) => managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // Complex32

    /// <inheritdoc/>
    public void AddVectorToScaledVector(Complex32[] y, Complex32 alpha, Complex32[] x, Complex32[] result) => managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc/>
    public void ScaleArray(Complex32 alpha, Complex32[] x, Complex32[] result) => managed.ScaleArray(alpha, x, result);

    /// <inheritdoc/>
    public void ConjugateArray(Complex32[] x, Complex32[] result) => managed.ConjugateArray(x, result);

    /// <inheritdoc/>
    public Complex32 DotProduct(Complex32[] x, Complex32[] y) => managed.DotProduct(x, y);

    /// <inheritdoc/>
    public void AddArrays(Complex32[] x, Complex32[] y, Complex32[] result) => managed.AddArrays(x, y, result);

    /// <inheritdoc/>
    public void SubtractArrays(Complex32[] x, Complex32[] y, Complex32[] result) => managed.SubtractArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(Complex32[] x, Complex32[] y, Complex32[] result) => managed.PointWiseMultiplyArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseDivideArrays(Complex32[] x, Complex32[] y, Complex32[] result) => managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWisePowerArrays(Complex32[] x, Complex32[] y, Complex32[] result) => managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc/>
    public double MatrixNorm(Norm norm, int rows, int columns, Complex32[] matrix) => managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc/>
    public void MatrixMultiply(Complex32[] x, int rowsX, int columnsX, Complex32[] y, int rowsY, int columnsY, Complex32[] result) => managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);

    /// <inheritdoc/>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, Complex32 alpha, Complex32[] a, int rowsA, int columnsA, Complex32[] b, int rowsB, int columnsB, Complex32 beta, Complex32[] c) => managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    /// <inheritdoc/>
    public void LUFactor(Complex32[] data, int order, int[] ipiv) => managed.LUFactor(data, order, ipiv);

    /// <inheritdoc/>
    public void LUInverse(Complex32[] a, int order) => managed.LUInverse(a, order);

    /// <inheritdoc/>
    public void LUInverseFactored(Complex32[] a, int order, int[] ipiv) => managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, Complex32[] a, int order, Complex32[] b) => managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, Complex32[] a, int order, int[] ipiv, Complex32[] b) => managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc/>
    public void CholeskyFactor(Complex32[] a, int order) => managed.CholeskyFactor(a, order);

    /// <inheritdoc/>
    public void CholeskySolve(Complex32[] a, int orderA, Complex32[] b, int columnsB) => managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void CholeskySolveFactored(Complex32[] a, int orderA, Complex32[] b, int columnsB) => managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void QRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] q, Complex32[] tau) => managed.QRFactor(a, rowsA, columnsA, q, tau);

    /// <inheritdoc/>
    public void ThinQRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] r, Complex32[] tau) => managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc/>
    public void QRSolve(Complex32[] a, int rows, int columns, Complex32[] b, int columnsB, Complex32[] x, QRMethod method) => managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc/>
    public void QRSolveFactored(Complex32[] q, Complex32[] r, int rowsA, int columnsA, Complex32[] tau, Complex32[] b, int columnsB, Complex32[] x, QRMethod method) => managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, Complex32[] a, int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt) => managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc/>
    public void SvdSolve(Complex32[] a, int rowsA, int columnsA, Complex32[] b, int columnsB, Complex32[] x) => managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt, Complex32[] b, int columnsB, Complex32[] x) => managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, Complex32[] matrix, Complex32[] matrixEv, Complex[] vectorEv, Complex32[] matrixD) => managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
}
