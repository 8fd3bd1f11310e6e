"""What every domain shares: errors, access decorators, pagination, labels, i18n."""
