# Reference values for the bgnbd tests of E[X(t)] at long horizons
# (TestFreshExpectedHighPrecision, TestConditionalExpectedLongHorizon).
# E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]
# (Fader, Hardie & Lee 2005, eq. 9) with mpmath at 60 digits, through
# Euler's transformation (small upper parameters) where mpmath's series
# converges; at a = 1 and c = a+b-1 a non-positive integer as the mean at
# a +- 1e-25. Spot checks against the integral over p ~ Beta(a, b) of
# (1 - (1 + p t/alpha)^-r)/p agree to 1e-35 where the quadrature converges.
# Usage: python3 fresh_expected_hp.py grid > fresh_expected_hp.txt
#        python3 fresh_expected_hp.py conditional
import itertools, random, sys
import mpmath as mp

mp.mp.dps = 60

def fresh(r, al, a, b, t):
    r, al, a, b, t = map(mp.mpf, (r, al, a, b, t))
    def at(a):
        c = a + b - 1
        z = t / (al + t); w = al / (al + t)
        try:
            return c / (a - 1) * (1 - w**(a - 1) * mp.hyp2f1(c - r, a - 1, c, z, maxterms=10**6))
        except mp.libmp.NoConvergence:
            return c / (a - 1) * (1 - w**r * mp.hyp2f1(r, b, c, z, maxterms=10**6))
    c = a + b - 1
    if abs(a - 1) < mp.mpf('1e-30') or (c <= 0 and abs(c - mp.nint(c)) < mp.mpf('1e-30')):
        h = mp.mpf('1e-25')
        return (at(a + h) + at(a - h)) / 2
    return at(a)

def grid():
    random.seed(18)
    R0 = [0.05, 0.2425929282798216, 1, 2, 3.7, 50]
    A = [0.05, 0.3, 0.7928859664406493, 1 - 1e-7, 1, 1 + 1e-9, 1.0003, 1.5, 2, 4.2, 30, 1000]
    B0 = [0.05, 0.6, 2.42575238262571, 30, 1000]
    X = [0, 1, 7, 100, 10000]
    TAU = [0.3, 1, 1.2, 3, 20, 300, 1e4, 1e6, 1e9]
    pts = random.sample(list(itertools.product(R0, A, B0, X, TAU)), 1500)
    # s = r - a + 1 at or near an integer: the connection formula's poles.
    for r0, a in [(2, 1), (0.5, 1.5), (1.3, 0.3), (0.3, 1.3), (0.3, 2.3), (2, 1 + 1e-8), (2, 1 + 1e-4),
                  (2, 1.003), (0.05, 5.05), (0.25, 0.25 + 1e-6), (0.7, 0.2), (3, 2)]:
        for b0 in [0.6, 30]:
            for x in [0, 1, 100, 10000]:
                for tau in [1.2, 20, 1e4, 1e9]:
                    pts.append((r0, a, b0, x, tau))
    print("# E[X(t)] of BG/NBD (Fader, Hardie & Lee 2005, eq. 9) at 60 digits (mpmath 1.3, see fresh_expected_hp.py)")
    print("# r alpha a b t E")
    # Every point with z = t/(alpha+t) > 1/2, then every third of the others.
    pts = [p for p in pts if p[4] > 1] + [p for p in pts if p[4] <= 1][::3]
    for r0, a, b0, x, tau in pts:
        r, b = float(r0 + x), float(b0 + x)
        print(repr(r), 1, repr(float(a)), repr(b), repr(float(tau)), mp.nstr(fresh(r, 1, a, b, tau), 25))

def conditional():
    params = [(0.2425929282798216, 4.4135322652718125, 0.7928859664406493, 2.42575238262571),
              (2, 30, 1, 3), (0.5, 1, 3, 0.6)]
    custs = [(0, 0, 0), (0, 0, 38.86), (2, 30.43, 38.86), (100, 90, 100), (10000, 9999, 10000)]
    for d in (0, 1):
        for i, (r, al, a, b) in enumerate(params):
            for x, tx, T in custs:
                for k in (1e3, 1e6, 1e9):
                    t = k * (al + T)
                    R, AL, A, B = map(mp.mpf, (r, al, a, b))
                    odds = A / (B + x - 1 + d) * ((AL + T) / (AL + tx))**(R + x) if x + d > 0 else 0
                    v = fresh(r + x, al + T, a, b + x + d, t) / (1 + odds)
                    print("{%d, %d, %r, %r, %r, %r, %s}," % (d, i, float(x), float(tx), float(T), t, mp.nstr(v, 20)))

if __name__ == '__main__':
    {'grid': grid, 'conditional': conditional}[sys.argv[1]]()
