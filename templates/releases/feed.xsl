<?xml version="1.0" encoding="utf-8"?>{% load i18n static %}{% get_current_language as LANGUAGE_CODE %}
<!-- Shows a feed as a page when a browser opens it; feed readers never read this. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom">
<xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
<xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
<xsl:template match="/">
<html lang="{{ LANGUAGE_CODE }}">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title><xsl:value-of select="$title"/> | {% translate "News feed" %}</title>
<link rel="stylesheet" href="{% static 'css/site.css' %}"/>
</head>
<body>
<header class="site-header">
  <div class="wrap site-header__inner">
    <a class="brand" href="{% url 'releases:home' %}"><span class="brand__mark">JOGMEC</span> <span class="brand__name">{% translate "News Releases" %}</span></a>
  </div>
</header>
<main id="main" class="wrap wrap--narrow feed-page">
  <p class="feed-page__kind">{% translate "News feed" %}</p>
  <h1><xsl:value-of select="$title"/></h1>
  <section class="notice" aria-labelledby="feed-what">
    <h2 id="feed-what">{% translate "What is this page?" %}</h2>
    <p>{% translate "This is a news feed (RSS or Atom): an address that feed readers check for new releases, so that you do not have to visit the site." %}</p>
    <p>{% translate "To follow it, copy the address of this page from your browser's address bar and add it to a feed reader (for example Feedly, Inoreader, NetNewsWire or Thunderbird)." %}</p>
  </section>
  <h2>{% translate "Other ways to follow these releases" %}</h2>
  <ul class="plain-list">
    <li><a href="{% url 'alerts:subscribe' %}{% if query %}?{{ query }}{% endif %}">{% translate "E-mail alerts" %}</a></li>
    <li><a href="{% url 'releases:calendar' %}{% if query %}?{{ query }}{% endif %}">{% translate "Meetings calendar (iCalendar)" %}</a></li>
    <li><a href="{% url 'releases:list' %}{% if query %}?{{ query }}{% endif %}">{% translate "These releases on the site" %}</a></li>
  </ul>
  <h2>{% translate "Latest releases in this feed" %}</h2>
  <ol class="release-list">
    <xsl:for-each select="/rss/channel/item">
      <li class="release-item">
        <h3 class="release-item__title"><a href="{link}"><xsl:value-of select="title"/></a></h3>
        <p class="release-item__meta"><xsl:value-of select="substring(pubDate, 6, 11)"/><xsl:for-each select="category"> · <xsl:value-of select="."/></xsl:for-each></p>
      </li>
    </xsl:for-each>
    <xsl:for-each select="/atom:feed/atom:entry">
      <li class="release-item">
        <h3 class="release-item__title"><a href="{atom:link/@href}"><xsl:value-of select="atom:title"/></a></h3>
        <p class="release-item__meta"><xsl:value-of select="substring(atom:published, 1, 10)"/><xsl:for-each select="atom:category"> · <xsl:value-of select="@term"/></xsl:for-each></p>
      </li>
    </xsl:for-each>
  </ol>
</main>
</body>
</html>
</xsl:template>
</xsl:stylesheet>
