#!/usr/bin/python3
# scripts/qgis-style-check.py PLAN.gpkg: a manual check (QGIS is not part of the
# set-up: apt-get install python3-qgis qgis-providers) that QGIS opens a plan's
# catchments and zones with their default style (fill from the color field) and
# renders them in several colours, into /tmp/qgis.png.  Run with
# QT_QPA_PLATFORM=offscreen.
import sys
from qgis.core import (QgsApplication, QgsVectorLayer, QgsSymbolLayer, QgsMapSettings,
                       QgsMapRendererSequentialJob, QgsRectangle)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
QgsApplication.setPrefixPath('/usr', True)
app = QgsApplication([], False)
app.initQgis()
path = sys.argv[1]
for name in ('catchments', 'zones'):
    l = QgsVectorLayer(path + '|layername=' + name, name, 'ogr')
    print(name, 'valid', l.isValid())
    r = l.renderer()
    sl = r.symbol().symbolLayer(0)
    p = sl.dataDefinedProperties().property(QgsSymbolLayer.PropertyFillColor)
    print(name, type(r).__name__, 'fill from', p.field(), 'active', p.isActive(), 'opacity', r.symbol().opacity(), 'labels', l.labelsEnabled())
l = QgsVectorLayer(path + '|layername=catchments', 'c', 'ogr')
ms = QgsMapSettings()
ms.setLayers([l]); ms.setExtent(l.extent()); ms.setOutputSize(QSize(600, 600))
ms.setDestinationCrs(l.crs())
job = QgsMapRendererSequentialJob(ms); job.start(); job.waitForFinished()
img = job.renderedImage()
img.save('/tmp/qgis.png')
cols = set()
for x in range(0, 600, 7):
    for y in range(0, 600, 7):
        cols.add(img.pixelColor(x, y).name())
print('distinct colours in the render:', len(cols))
