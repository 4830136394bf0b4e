"""Cells in the lecture's style that draw: the explorer's figures are checked against real matplotlib's."""

from __future__ import annotations

DERIVATIVE = """\
# %%
import math
import numpy as np
import matplotlib.pyplot as plt
%matplotlib inline
# %%
def f(x):
  return 3*x**2 - 4*x + 5
f(3.0)
# %%
xs = np.arange(-5, 5, 0.25)
ys = f(xs)
plt.plot(xs, ys)
# %%
plt.plot(np.arange(-5,5,0.2), np.tanh(np.arange(-5,5,0.2))); plt.grid();
"""

STYLED = """\
# %%
import numpy as np
import matplotlib.pyplot as plt
xs = np.linspace(-2, 2, 21)
plt.figure(figsize=(5, 4))
plt.plot(xs, xs**2, 'r--', label='x squared')
plt.plot(xs, 2*xs, color='C2', label='slope')
plt.axhline(0, color='k')
plt.axvline(1.0, linestyle=':')
plt.title('a parabola and its tangent')
plt.xlabel('x')
plt.ylabel('f(x)')
plt.legend()
plt.xlim(-2.5, 2.5)
plt.show()
# %%
fig, ax = plt.subplots()
ax.plot([1, 2, 3, 4], [0.5, 0.25, 0.125, 0.0625], 'o-')
ax.set_title('loss')
ax.grid(True)
"""

DEMO_STYLE = """\
# %%
import random
import numpy as np
import matplotlib.pyplot as plt
np.random.seed(1337)
random.seed(1337)
X = np.random.randn(60, 2)
y = np.where(X[:, 0] * X[:, 1] > 0, 1, -1)
plt.figure(figsize=(5,5))
plt.scatter(X[:,0], X[:,1], c=y, s=20, cmap='jet')
# %%
h = 0.25
x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
xx, yy = np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))
Xmesh = np.c_[xx.ravel(), yy.ravel()]
scores = [Value(a) * Value(b) for a, b in Xmesh]
Z = np.array([s.data > 0 for s in scores])
Z = Z.reshape(xx.shape)
fig = plt.figure()
plt.contourf(xx, yy, Z, cmap=plt.cm.Spectral, alpha=0.8)
plt.scatter(X[:, 0], X[:, 1], c=y, s=40, cmap=plt.cm.Spectral)
plt.xlim(xx.min(), xx.max())
plt.ylim(yy.min(), yy.max())
"""

FIGURE_PROGRAMS = {"derivative": DERIVATIVE, "styled": STYLED, "demo": DEMO_STYLE}
