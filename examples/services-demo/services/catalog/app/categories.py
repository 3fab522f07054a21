"""Category endpoints."""

from typing import List

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy.orm import Session

from .db import Category, get_db
from .models import CategoryOut

router = APIRouter(prefix="/categories", tags=["categories"])


@router.get("", response_model=List[CategoryOut])
def list_root_categories(db: Session = Depends(get_db)) -> List[Category]:
    return db.query(Category).filter_by(parent_id=None).order_by(Category.name).all()


@router.get("/{category_id}", response_model=CategoryOut)
def get_category(category_id: int, db: Session = Depends(get_db)) -> Category:
    category = db.get(Category, category_id)
    if category is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "category not found")
    return category


@router.get("/{category_id}/children", response_model=List[CategoryOut])
def list_children(category_id: int, db: Session = Depends(get_db)) -> List[Category]:
    return db.query(Category).filter_by(parent_id=category_id).order_by(Category.name).all()
